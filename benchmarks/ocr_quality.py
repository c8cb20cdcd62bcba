"""OCR quality and cost: the pipeline against the raw `tesseract` command on degraded scans.

Each shared page with a transcription is degraded the ways real scans are (tilted 3 and 7
degrees, Gaussian noise sigma 25, scanned at half the resolution, JPEG quality 30) and also kept
clean. Every image is read by the plain `tesseract FILE stdout` command (single-threaded, the
same languages) and by `ocr.read_document` (decoding, preprocessing, recognition) in the same
run, one after the other. Printed: character error rate (CER, whitespace-normalised) and time
of each, and the ratios that the goals are about. Time is CPU seconds (this process and its
Tesseract children, user + system): Tesseract runs single-threaded, so on an idle machine that is
the wall time, and on a shared one it does not count the waits for other people's work. The wall
seconds are printed in the summary too.

    .venv/bin/python benchmarks/ocr_quality.py [--languages eng] [--repeat 1]
        [--config default --config no-denoise --config binarise ...]

A `--config` is `default` or a comma list of `no-<step>` / `<step>` (binarise is off by default),
e.g. `no-deskew,binarise`: the way to check that each default step earns its keep.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ocr import read_document  # noqa: E402
from ocr.preprocess import PreprocessOptions  # noqa: E402
from tests.textmetrics import character_error_rate  # noqa: E402

DATA = REPO.parent / "shared" / "data" / "ocr"
PAGES = (
    ("phototest", DATA / "tesseract" / "phototest.tif", DATA / "tesseract" / "phototest.txt"),
    ("eurotext", DATA / "tesseract" / "eurotext.tif", DATA / "tesseract" / "eurotext.txt"),
    ("linn", DATA / "ocrmypdf" / "linn.png", DATA / "ocrmypdf" / "linn.txt"),
)
# linn.png does not say its resolution; it is a 300 dpi scan of a letter-size page.
ASSUMED_DPI = 300.0
NOISE_SEED = 25


@dataclass(frozen=True)
class Sample:
    page: str
    variant: str
    data: bytes
    suffix: str
    reference: str


@dataclass(frozen=True)
class Result:
    cer: float
    seconds: float  # CPU: user + system of this process and its children
    wall: float


class _Clock:
    """CPU seconds of this process and of the children it waited for, and wall seconds."""

    def __enter__(self) -> _Clock:
        self._cpu, self._wall = self._cpu_now(), time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.cpu = self._cpu_now() - self._cpu
        self.wall = time.perf_counter() - self._wall

    @staticmethod
    def _cpu_now() -> float:
        own = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _gray(path: Path) -> tuple[Image.Image, float]:
    with Image.open(path) as image:
        dpi = float(image.info.get("dpi", (ASSUMED_DPI,))[0])
        return image.convert("L"), dpi


def _png(image: Image.Image, dpi: float) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(dpi, dpi))
    return out.getvalue()


def _tilted(degrees: float) -> Callable[[Image.Image, float], tuple[bytes, str]]:
    def make(image: Image.Image, dpi: float) -> tuple[bytes, str]:
        tilted = image.rotate(degrees, expand=True, fillcolor=255, resample=Image.BICUBIC)
        return _png(tilted, dpi), ".png"

    return make


def _noisy(image: Image.Image, dpi: float) -> tuple[bytes, str]:
    rng = np.random.default_rng(NOISE_SEED)
    pixels = np.asarray(image, dtype=np.float64) + rng.normal(
        0.0, 25.0, (image.height, image.width)
    )
    return _png(Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)), dpi), ".png"


def _half(image: Image.Image, dpi: float) -> tuple[bytes, str]:
    # A scan at half the resolution: the file says so, as a scanner's would.
    half = image.resize((image.width // 2, image.height // 2), Image.LANCZOS)
    return _png(half, dpi / 2), ".png"


def _jpeg(image: Image.Image, dpi: float) -> tuple[bytes, str]:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=30, dpi=(round(dpi), round(dpi)))
    return out.getvalue(), ".jpg"


def _clean(image: Image.Image, dpi: float) -> tuple[bytes, str]:
    return _png(image, dpi), ".png"


VARIANTS: dict[str, Callable[[Image.Image, float], tuple[bytes, str]]] = {
    "clean": _clean,
    "tilt 3": _tilted(3.0),
    "tilt 7": _tilted(7.0),
    "noise 25": _noisy,
    "half res": _half,
    "jpeg 30": _jpeg,
}


def samples() -> list[Sample]:
    made = []
    for page, image_path, transcript in PAGES:
        image, dpi = _gray(image_path)
        reference = transcript.read_text(encoding="utf-8")
        for variant, make in VARIANTS.items():
            data, suffix = make(image, dpi)
            made.append(Sample(page, variant, data, suffix, reference))
    return made


def raw_tesseract(sample: Sample, languages: str, folder: Path) -> Result:
    path = folder / f"{sample.page}-{sample.variant.replace(' ', '-')}{sample.suffix}"
    path.write_bytes(sample.data)
    with _Clock() as clock:
        done = subprocess.run(
            ["tesseract", str(path), "stdout", "-l", languages],
            capture_output=True,
            check=True,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
            timeout=300,
        )
    text = done.stdout.decode("utf-8", errors="replace")
    return Result(character_error_rate(sample.reference, text), clock.cpu, clock.wall)


def pipeline(sample: Sample, languages: str, options: PreprocessOptions) -> Result:
    with _Clock() as clock:
        document = read_document(sample.data, languages=languages, options=options)
    return Result(character_error_rate(sample.reference, document.text), clock.cpu, clock.wall)


def options_for(config: str) -> PreprocessOptions:
    if config == "default":
        return PreprocessOptions()
    if config == "none":
        return PreprocessOptions.none()
    steps = {field.name for field in fields(PreprocessOptions)}
    changes: dict[str, bool] = {}
    for item in config.split(","):
        name = item.removeprefix("no-")
        if name not in steps:
            raise SystemExit(f"unknown step {name!r} in --config {config!r} (steps: {steps})")
        changes[name] = not item.startswith("no-")
    return replace(PreprocessOptions(), **changes)


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--languages", default="eng")
    parser.add_argument("--repeat", type=int, default=1, help="timing runs per image (best kept)")
    parser.add_argument("--config", action="append", help="default, none, or e.g. no-denoise")
    args = parser.parse_args()
    configs = args.config or ["default"]
    os.environ["OMP_THREAD_LIMIT"] = "1"

    made = samples()
    raw: dict[tuple[str, str], Result] = {}
    ours: dict[tuple[str, str, str], Result] = {}
    with tempfile.TemporaryDirectory() as folder:
        for sample in made:
            key = (sample.page, sample.variant)
            for _ in range(args.repeat):
                # Interleaved: raw, then each configuration, image by image.
                result = raw_tesseract(sample, args.languages, Path(folder))
                if key not in raw or result.seconds < raw[key].seconds:
                    raw[key] = result
                for config in configs:
                    result = pipeline(sample, args.languages, options_for(config))
                    if (config, *key) not in ours or result.seconds < ours[config, *key].seconds:
                        ours[config, *key] = result

    print(f"languages {args.languages}; {len(made)} images; best of {args.repeat} run(s)\n")
    header = f"{'page':10} {'variant':9} {'raw CER':>8} {'raw s':>6}"  # s: CPU seconds
    for config in configs:
        header += f" | {config[:18]:>18} CER {'s':>5} {'x':>5}"
    print(header)
    for sample in made:
        key = (sample.page, sample.variant)
        line = f"{sample.page:10} {sample.variant:9} {raw[key].cer:8.3f} {raw[key].seconds:6.2f}"
        for config in configs:
            result = ours[config, *key]
            ratio = result.seconds / raw[key].seconds
            line += f" | {result.cer:22.3f} {result.seconds:5.2f} {ratio:5.2f}"
        print(line)

    print()
    for group, chosen in (("degraded", lambda v: v != "clean"), ("clean", lambda v: v == "clean")):
        keys = [(s.page, s.variant) for s in made if chosen(s.variant)]
        raw_cer = mean([raw[key].cer for key in keys])
        raw_seconds = sum(raw[key].seconds for key in keys)
        raw_wall = sum(raw[key].wall for key in keys)
        print(
            f"{group}: raw tesseract mean CER {raw_cer:.3f}, {raw_seconds:.1f} s CPU "
            f"({raw_wall:.1f} s wall)"
        )
        for config in configs:
            cer = mean([ours[config, *key].cer for key in keys])
            seconds = sum(ours[config, *key].seconds for key in keys)
            wall = sum(ours[config, *key].wall for key in keys)
            print(
                f"  {config:24} mean CER {cer:.3f} ({cer / raw_cer if raw_cer else 0:.2f}x raw), "
                f"{seconds:.1f} s CPU ({seconds / raw_seconds:.2f}x raw; "
                f"wall {wall:.1f} s, {wall / raw_wall:.2f}x)"
            )


if __name__ == "__main__":
    main()
