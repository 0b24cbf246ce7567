"""The route a user would script instead of ``check --content``: ``python bench/content_route.py FILE``.

1. ffmpeg (imageio-ffmpeg's executable) writes one frame per second of the take to JPEG files;
2. the same OpenCV detector ``check --content`` uses (Haar frontal cascade, 320x180 grey,
   scaleFactor 1.2, 4 neighbours, faces down to 1/8 of the short side) runs on every image;
3. ffmpeg decodes the audio to a 16 kHz mono WAV;
4. webrtcvad (the same VAD) marks speech in 30 ms frames.

Prints ``IMAGES FACE_IMAGES SPEECH_SECONDS``. It decodes every frame of the take (the fps filter
sees them all), which is what makes it slow; nothing here is tuned against our side.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import wave
from pathlib import Path


def _ffmpeg() -> str:
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def faces_per_second(path: Path, folder: Path) -> tuple[int, int]:
    """(images written, images with a face)."""
    import cv2

    cascades = cv2.data.haarcascades  # type: ignore[attr-defined]  # cv2.data is untyped
    subprocess.run([_ffmpeg(), "-v", "error", "-i", str(path), "-vf", "fps=1", "-q:v", "3",
                    str(folder / "%05d.jpg")], check=True)
    cascade = cv2.CascadeClassifier(cascades + "haarcascade_frontalface_default.xml")
    images = sorted(folder.glob("*.jpg"))
    with_face = 0
    for image in images:
        gray = cv2.imread(str(image), cv2.IMREAD_GRAYSCALE)
        if gray is None:
            continue
        small = cv2.resize(gray, (320, 180), interpolation=cv2.INTER_AREA)
        found = cascade.detectMultiScale(small, scaleFactor=1.2, minNeighbors=4, minSize=(22, 22))
        with_face += len(found) > 0
    return len(images), with_face


def speech_seconds(path: Path, folder: Path) -> float:
    """Seconds webrtcvad marks as speech in the take's audio."""
    import webrtcvad

    wav = folder / "audio.wav"
    subprocess.run([_ffmpeg(), "-v", "error", "-i", str(path), "-vn", "-ac", "1", "-ar", "16000",
                    "-f", "wav", str(wav)], check=True)
    vad = webrtcvad.Vad(2)
    frame = 480  # 30 ms at 16 kHz
    voiced = 0
    with wave.open(str(wav)) as w:
        while True:
            chunk = w.readframes(frame)
            if len(chunk) < frame * 2:
                break
            voiced += vad.is_speech(chunk, 16000)
    return voiced * 0.03


def main(argv: list[str]) -> int:
    path = Path(argv[0])
    with tempfile.TemporaryDirectory(prefix="content-route-") as tmp:
        images, with_face = faces_per_second(path, Path(tmp))
        speech = speech_seconds(path, Path(tmp))
    print(images, with_face, f"{speech:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
