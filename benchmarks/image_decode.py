"""Pictures per second decoded and resized by `flow_from_directory` (needs Pillow).

    python benchmarks/image_decode.py

Writes 200 JPEGs of 500x500 (two classes) to a temporary folder, then reads them all at
target_size=(64, 64): with `ImageDataGenerator().flow_from_directory`, and with a plain
load_img + img_to_array loop over the files (how tf.keras 2 reads each batch). Medians of 3.
"""
import common  # noqa: F401  (must come first: fixes the BLAS environment)

import os
import tempfile
import time

import numpy as np
from PIL import Image

from neuronet.preprocessing.image import ImageDataGenerator, img_to_array, load_img

COUNT, SIDE, TARGET, REPEATS = 200, 500, (64, 64), 3


def make_pictures(folder):
    """Smooth colour gradients with noise: compresses like a photograph, not like static."""
    rng = np.random.default_rng(0)
    ramp = np.linspace(0, 1, SIDE, dtype=np.float32)
    for i in range(COUNT):
        sub = os.path.join(folder, f"class_{i % 2}")
        os.makedirs(sub, exist_ok=True)
        colour = rng.uniform(0, 255, 3).astype(np.float32)
        picture = colour * ramp[:, None, None] + (255 - colour) * ramp[None, :, None]
        picture += rng.normal(0, 12, picture.shape).astype(np.float32)
        Image.fromarray(np.clip(picture, 0, 255).astype(np.uint8)).save(
            os.path.join(sub, f"{i:03d}.jpg"), quality=90)


def pictures_per_second(read_all):
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        read_all()
        times.append(time.perf_counter() - start)
    return COUNT / float(np.median(times))


def main():
    with tempfile.TemporaryDirectory() as folder:
        make_pictures(folder)
        iterator = ImageDataGenerator().flow_from_directory(folder, target_size=TARGET,
                                                            batch_size=32, shuffle=False)
        paths = iterator.filepaths

        def read_flow():
            for index in range(len(iterator)):
                iterator[index]

        def read_loop():
            np.stack([img_to_array(load_img(p, target_size=TARGET)) for p in paths])

        print(f"{COUNT} JPEGs of {SIDE}x{SIDE} -> {TARGET}, {os.cpu_count()} cores")
        print(f"  flow_from_directory         {pictures_per_second(read_flow):8.0f} pictures/s")
        print(f"  load_img loop (full decode) {pictures_per_second(read_loop):8.0f} pictures/s")


if __name__ == "__main__":
    main()
