"""GANs with Keras' recipes: a frozen discriminator inside a stacked model (trainable is
read at compile time), alternating train_on_batch, a subclassed GAN with its own
train_step, and the digits example."""
import importlib.util
import pathlib

import numpy as np
import pytest

import neuronet as keras
from neuronet import backend
from neuronet.layers import Dense, LeakyReLU


def _pair(latent=2, hidden=16, data_dim=1):
    generator = keras.Sequential([keras.Input((latent,)), Dense(hidden, activation="relu"),
                                  Dense(hidden, activation="relu"), Dense(data_dim)])
    discriminator = keras.Sequential([keras.Input((data_dim,)), Dense(32), LeakyReLU(0.2),
                                      Dense(32), LeakyReLU(0.2), Dense(1, activation="sigmoid")])
    return generator, discriminator


def _changed(before, after):
    return [not np.array_equal(a, b) for a, b in zip(before, after)]


def test_freezing_follows_keras_compile_time_rule():
    generator, discriminator = _pair(latent=3, hidden=8, data_dim=2)
    discriminator.compile(optimizer="adam", loss="binary_crossentropy")
    discriminator.trainable = False
    gan = keras.Sequential([generator, discriminator])
    gan.compile(optimizer="adam", loss="binary_crossentropy")
    assert [id(w) for w in gan.trainable_weights] == [id(w) for w in generator.weights]
    assert len(gan.non_trainable_weights) == len(discriminator.weights) == 6

    rng = np.random.default_rng(0)
    noise, real = rng.standard_normal((16, 3)), rng.standard_normal((16, 2))
    ones, zeros = np.ones((16, 1)), np.zeros((16, 1))
    d_start, g_start = discriminator.get_weights(), generator.get_weights()
    gan.train_on_batch(noise, ones)                      # the stack: generator only
    assert not any(_changed(d_start, discriminator.get_weights()))
    assert all(_changed(g_start, generator.get_weights()))

    g_now = generator.get_weights()
    discriminator.train_on_batch(real, ones)             # its own compile: still trains
    discriminator.train_on_batch(generator.predict(noise, verbose=0), zeros)
    assert all(_changed(d_start, discriminator.get_weights()))
    assert not any(_changed(g_now, generator.get_weights()))

    discriminator.trainable = True                       # not read until compile again
    d_now = discriminator.get_weights()
    gan.train_on_batch(noise, ones)
    assert not any(_changed(d_now, discriminator.get_weights()))
    gan.compile(optimizer="adam", loss="binary_crossentropy")
    gan.train_on_batch(noise, ones)
    assert all(_changed(d_now, discriminator.get_weights()))


def test_gan_matches_a_mixture_of_two_gaussians():
    """0.5 N(1, 0.5^2) + 0.5 N(5, 0.5^2): mean 3, standard deviation sqrt(4.25)."""
    backend.set_random_seed(0)
    rng = np.random.default_rng(0)
    latent, batch, steps = 2, 64, 2500
    generator, discriminator = _pair(latent)
    discriminator.compile(optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
                          loss="binary_crossentropy")
    discriminator.trainable = False
    gan = keras.Sequential([generator, discriminator])
    # averaging the generator's weights over the last ~100 steps damps the oscillation
    gan.compile(optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5, use_ema=True,
                                                ema_momentum=0.99),
                loss="binary_crossentropy")

    def real_batch(n):
        centers = np.where(rng.random(n) < 0.5, 1.0, 5.0)
        return (centers + 0.5 * rng.standard_normal(n)).astype(np.float32)[:, None]

    def noise(n):
        return rng.uniform(-1, 1, (n, latent)).astype(np.float32)

    mean, std = 3.0, np.sqrt(0.25 + 4.0)
    start = generator.predict(noise(4000), verbose=0)
    assert abs(start.mean() - mean) > 2.0                 # far from the data at first
    ones, zeros = np.ones((batch, 1), np.float32), np.zeros((batch, 1), np.float32)
    for _ in range(steps):
        discriminator.train_on_batch(real_batch(batch), ones)
        discriminator.train_on_batch(generator.predict_on_batch(noise(batch)), zeros)
        gan.train_on_batch(noise(batch), ones)
    gan.optimizer.finalize_variable_values(gan.trainable_variables)
    samples = generator.predict(noise(4000), verbose=0).ravel()
    assert abs(samples.mean() - mean) < 0.1 * mean
    assert abs(samples.std() - std) < 0.1 * std
    assert np.mean(samples < 3.0) == pytest.approx(0.5, abs=0.1)     # both modes are drawn


class GAN(keras.Model):
    """The subclassed GAN of Keras' guide: its own compile and train_step."""

    def __init__(self, generator, discriminator, latent_dim):
        super().__init__()
        self.generator, self.discriminator = generator, discriminator
        self.latent_dim = latent_dim
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.d_optimizer, self.g_optimizer, self.loss_fn = d_optimizer, g_optimizer, loss_fn

    def train_step(self, real):
        batch = real.shape[0]
        noise = keras.Tensor(backend.rng().standard_normal((batch, self.latent_dim)))
        fake = self.generator(noise).numpy()
        images = np.concatenate([fake, real.numpy()])
        labels = np.concatenate([np.ones((batch, 1)), np.zeros((batch, 1))])  # 1 = fake
        with keras.GradientTape() as tape:
            d_loss = self.loss_fn(labels, self.discriminator(images))
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))
        with keras.GradientTape() as tape:
            g_loss = self.loss_fn(np.zeros((batch, 1)), self.discriminator(self.generator(noise)))
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}


def test_subclassed_gan_with_its_own_train_step():
    generator, discriminator = _pair(latent=2, hidden=8)
    gan = GAN(generator, discriminator, latent_dim=2)
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-3), g_optimizer=keras.optimizers.Adam(1e-3),
                loss_fn=keras.losses.BinaryCrossentropy())
    d_start, g_start = discriminator.get_weights(), generator.get_weights()
    real = np.random.default_rng(0).normal(3.0, 1.0, (64, 1)).astype(np.float32)
    history = gan.fit(real, batch_size=32, epochs=2, verbose=0)      # data is x alone
    assert set(history.history) == {"d_loss", "g_loss"} and len(history.history["d_loss"]) == 2
    assert all(_changed(d_start, discriminator.get_weights()))
    assert all(_changed(g_start, generator.get_weights()))
    assert gan.d_loss_tracker.count.data == 2            # reset at each epoch, two batches
    assert len(gan.weights) == len(generator.weights) + len(discriminator.weights)


def _example():
    path = pathlib.Path(__file__).resolve().parents[1] / "examples" / "gan_digits.py"
    spec = importlib.util.spec_from_file_location("gan_digits", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("model, epochs", [("dense", 2), ("dcgan", 1)])
def test_digits_example_writes_sample_grids_and_loss_plot(model, epochs, tmp_path, capsys):
    example = _example()
    history = example.main(["--epochs", str(epochs), "--sample-every", "1", "--batch-size", "128",
                            "--model", model, "--out", str(tmp_path)])
    assert len(history["d_loss"]) == len(history["g_loss"]) == epochs
    assert all(np.isfinite(history["d_loss"] + history["g_loss"]))
    names = {p.name for p in tmp_path.iterdir()}
    grids = {f"samples_epoch_{e:03d}.png" for e in range(1, epochs + 1)}
    assert grids | {"real_digits.png"} <= names
    from PIL import Image
    with Image.open(tmp_path / f"samples_epoch_{epochs:03d}.png") as grid:
        assert grid.size == (8 * 10 * 4, 8 * 10 * 4)    # 8x8 tiles of 10 pixels, scaled by 4
    out = capsys.readouterr().out
    assert f"epoch {epochs}/{epochs}" in out
    assert ("Conv2DTranspose" if model == "dcgan" else "Dense") in out      # the summaries
    assert "losses.png" in names or "matplotlib is not installed" in out


def test_digits_example_rejects_bad_arguments():
    with pytest.raises(SystemExit):
        _example().main(["--epochs", "0"])
