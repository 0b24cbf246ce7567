"""Content readiness: what the footage itself shows (faces, cuts, speech, light, matte).

Imported only by ``check --content``: its analysis needs OpenCV, numpy and webrtcvad, the
``avatar-preflight[content]`` extra, which a plain ``check`` never loads.
"""
