"""A GAN that learns to draw the 8x8 handwritten digits shipped with neuronet.

    python examples/gan_digits.py --epochs 60 --out gan_digits
    python examples/gan_digits.py --model dcgan --epochs 40 --out gan_digits_dcgan

Two networks play against each other: the discriminator learns to tell real digits
from generated ones, the generator learns to fool it. This is Keras' classic recipe:
the discriminator is compiled on its own, then frozen (`trainable = False`) *before*
the stacked model generator -> discriminator is compiled. `trainable` is read when a
model is compiled, so a step of the stacked model updates the generator only, while the
discriminator's own compiled step still trains the discriminator.

--model dense: multilayer perceptrons. --model dcgan: a small deep convolutional GAN,
Conv2DTranspose + BatchNormalization + LeakyReLU in the generator, strided Conv2D in the
discriminator. Every --sample-every epochs a grid of generated digits is written to
--out as a PNG (needs Pillow), and at the end a plot of both losses (needs matplotlib).
"""
import argparse
import os

import numpy as np

import neuronet as keras
from neuronet import backend, layers


def load_digits():
    """All 1,797 digits as (n, 8, 8, 1) float32 images scaled to [-1, 1] (tanh's range)."""
    (x_train, _), (x_test, _) = keras.datasets.digits.load_data()
    images = np.concatenate([x_train, x_test]).astype(np.float32)
    return (images / 8.0 - 1.0)[..., None]


def build_dense_gan(latent_dim):
    """Generator: noise (latent_dim,) -> image (8, 8, 1); discriminator: image -> P(real)."""
    generator = keras.Sequential([
        keras.Input((latent_dim,)),
        layers.Dense(128), layers.LeakyReLU(0.2),
        layers.Dense(128), layers.LeakyReLU(0.2),
        layers.Dense(64, activation="tanh"),
        layers.Reshape((8, 8, 1)),
    ], name="generator")
    discriminator = keras.Sequential([
        keras.Input((8, 8, 1)),
        layers.Flatten(),
        layers.Dense(128), layers.LeakyReLU(0.2),
        layers.Dense(64), layers.LeakyReLU(0.2),
        layers.Dense(1, activation="sigmoid"),
    ], name="discriminator")
    return generator, discriminator


def build_dcgan(latent_dim):
    """The convolutional pair: 2x2x64 -> 4x4x32 -> 8x8x1 up, 8x8 -> 4x4 -> 2x2 down."""
    generator = keras.Sequential([
        keras.Input((latent_dim,)),
        layers.Dense(2 * 2 * 64), layers.BatchNormalization(), layers.LeakyReLU(0.2),
        layers.Reshape((2, 2, 64)),
        layers.Conv2DTranspose(32, 4, strides=2, padding="same"),
        layers.BatchNormalization(), layers.LeakyReLU(0.2),
        layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh"),
    ], name="generator")
    discriminator = keras.Sequential([
        keras.Input((8, 8, 1)),
        layers.Conv2D(32, 3, strides=2, padding="same"), layers.LeakyReLU(0.2),
        layers.Conv2D(64, 3, strides=2, padding="same"), layers.LeakyReLU(0.2),
        layers.Flatten(),
        layers.Dense(1, activation="sigmoid"),
    ], name="discriminator")
    return generator, discriminator


def compile_gan(generator, discriminator, learning_rate):
    """Compile the discriminator, freeze it, then compile the stack (Keras' order)."""
    discriminator.compile(optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5),
                          loss="binary_crossentropy")
    discriminator.trainable = False          # read by the compile below, not by the one above
    gan = keras.Sequential([generator, discriminator], name="gan")
    gan.compile(optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5),
                loss="binary_crossentropy")
    return gan


def generate(generator, noise):
    """Images from `noise`, in training mode (the batch statistics of BatchNormalization,
    as in the generator's training steps), without recording gradients."""
    with keras.no_grad():
        return generator(noise, training=True).numpy()


def train(generator, discriminator, gan, images, epochs, batch_size, latent_dim,
          on_epoch_end=None):
    """Alternate one discriminator step on real and on generated images and one generator
    step per batch. Returns {'d_loss': [...], 'g_loss': [...]}, the means per epoch."""
    rng = backend.rng()
    real_labels = np.full((batch_size, 1), 0.9, np.float32)     # one-sided label smoothing
    fake_labels = np.zeros((batch_size, 1), np.float32)
    history = {"d_loss": [], "g_loss": []}
    for epoch in range(epochs):
        order = rng.permutation(len(images))
        d_losses, g_losses = [], []
        for start in range(0, len(images) - batch_size + 1, batch_size):
            real = images[order[start:start + batch_size]]
            fake = generate(generator, rng.standard_normal((batch_size, latent_dim)))
            d_losses.append((discriminator.train_on_batch(real, real_labels) +
                             discriminator.train_on_batch(fake, fake_labels)) / 2)
            noise = rng.standard_normal((batch_size, latent_dim)).astype(np.float32)
            g_losses.append(gan.train_on_batch(noise, np.ones((batch_size, 1), np.float32)))
        history["d_loss"].append(float(np.mean(d_losses)))
        history["g_loss"].append(float(np.mean(g_losses)))
        if on_epoch_end is not None:
            on_epoch_end(epoch, history)
    return history


def save_grid(images, path, scale=4):
    """Write images in [-1, 1] of shape (n, 8, 8, 1), n a square number, as one PNG grid."""
    try:
        from PIL import Image
    except ImportError as error:
        raise ImportError("Writing PNG grids needs Pillow: pip install 'neuronet[image]'") \
            from error
    side = int(round(np.sqrt(len(images))))
    tiles = np.clip((images[..., 0] + 1.0) * 127.5, 0, 255).astype(np.uint8)
    tiles = np.pad(tiles[:side * side], ((0, 0), (1, 1), (1, 1)))     # a 1-pixel border
    size = tiles.shape[1]
    grid = tiles.reshape(side, side, size, size).transpose(0, 2, 1, 3).reshape(side * size, -1)
    Image.fromarray(grid).resize((grid.shape[1] * scale, grid.shape[0] * scale),
                                 Image.NEAREST).save(path)


def plot_losses(history, path):
    """Both losses per epoch in one figure; False when matplotlib is missing."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    figure, axis = plt.subplots(figsize=(6, 3.5))
    axis.plot(history["d_loss"], label="discriminator")
    axis.plot(history["g_loss"], label="generator")
    axis.set_xlabel("epoch")
    axis.set_ylabel("binary cross-entropy")
    axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return True


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--out", default="gan_digits", help="folder for the PNG files")
    parser.add_argument("--model", choices=("dense", "dcgan"), default="dense")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--latent-dim", type=int, default=16)
    parser.add_argument("--learning-rate", type=float, default=None,
                        help="of both Adams (default: 5e-4 dense, 2e-4 dcgan)")
    parser.add_argument("--sample-every", type=int, default=5, help="epochs between grids")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.epochs < 1 or args.batch_size < 1 or args.sample_every < 1:
        parser.error("--epochs, --batch-size and --sample-every must be positive")

    backend.set_random_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    images = load_digits()
    build = build_dcgan if args.model == "dcgan" else build_dense_gan
    generator, discriminator = build(args.latent_dim)
    learning_rate = args.learning_rate or (2e-4 if args.model == "dcgan" else 5e-4)
    gan = compile_gan(generator, discriminator, learning_rate)
    generator.summary()
    discriminator.summary()
    fixed_noise = backend.rng().standard_normal((64, args.latent_dim)).astype(np.float32)

    def on_epoch_end(epoch, history):
        print(f"epoch {epoch + 1}/{args.epochs}  d_loss {history['d_loss'][-1]:.4f}  "
              f"g_loss {history['g_loss'][-1]:.4f}")
        if (epoch + 1) % args.sample_every == 0 or epoch + 1 == args.epochs:
            path = os.path.join(args.out, f"samples_epoch_{epoch + 1:03d}.png")
            save_grid(generator.predict(fixed_noise, verbose=0), path)
            print(f"  wrote {path}")

    history = train(generator, discriminator, gan, images, args.epochs, args.batch_size,
                    args.latent_dim, on_epoch_end)
    save_grid(images[:64], os.path.join(args.out, "real_digits.png"))
    path = os.path.join(args.out, "losses.png")
    print(f"wrote {path}" if plot_losses(history, path) else "matplotlib is not installed: "
          "no loss plot")
    return history


if __name__ == "__main__":
    main()
