"""Reading Twilio's recordings for the offline recognizer: µ-law WAV at 8 kHz into 16-bit PCM at 16 kHz."""
import struct

import numpy as np
import pytest

from domain.adapters.speech import pcm16_at_16k
from domain.errors import DependencyUnavailable


def _wav(fmt: int, rate: int, bits: int, data: bytes) -> bytes:
    fmt_chunk = struct.pack("<HHIIHH", fmt, 1, rate, rate * bits // 8, bits // 8, bits)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt_chunk)) + fmt_chunk + b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def test_mu_law_silence_and_peaks_decode_to_their_linear_values():
    samples = pcm16_at_16k(_wav(7, 16000, 8, bytes([0xFF, 0x7F, 0x00, 0x80])))
    assert samples.tolist() == [0, 0, -32124, 32124]


def test_8_khz_audio_is_resampled_to_16_khz():
    tone = (np.sin(np.arange(800) / 5) * 10000).astype("<i2")
    samples = pcm16_at_16k(_wav(1, 8000, 16, tone.tobytes()))
    assert len(samples) == 1600
    assert abs(int(samples[::2][100]) - int(tone[100])) <= 1


def test_anything_but_a_wav_is_refused_clearly():
    with pytest.raises(DependencyUnavailable, match="not a WAV"):
        pcm16_at_16k(b"ID3 this is an mp3")
