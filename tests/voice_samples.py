"""Speech the tests make themselves: espeak-ng says a phrase, resampled to 16 kHz mono 16-bit."""
import audioop
import io
import subprocess
import wave

RATE = 16000


def spoken(text, voice="ko", speed=150, silence_seconds=0.3):
    """WAV bytes (16 kHz mono 16-bit) of espeak-ng saying `text`, with a little silence around."""
    result = subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "--stdout", text],
                            check=True, capture_output=True)
    with wave.open(io.BytesIO(result.stdout)) as reader:
        frames = reader.readframes(reader.getnframes())
        pcm, _ = audioop.ratecv(frames, 2, 1, reader.getframerate(), RATE, None)
    pad = bytes(int(RATE * silence_seconds) * 2)
    return wav(pad + pcm + pad)


def wav(pcm, rate=RATE, channels=1, width=2):
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(width)
        writer.setframerate(rate)
        writer.writeframes(pcm)
    return buffer.getvalue()


def pcm_of(wav_bytes):
    with wave.open(io.BytesIO(wav_bytes)) as reader:
        return reader.readframes(reader.getnframes())
