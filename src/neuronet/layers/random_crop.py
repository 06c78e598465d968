"""RandomCrop: during training, crops images at a random location; otherwise resizes them."""
from .center_crop import check_size, crop, cropped_shape, smart_resize
from .image_preprocessing import RandomImageLayer


class RandomCrop(RandomImageLayer):
    """Crops images to (height, width).

    Training (training=True, or no flag, as for the other random layers): one random window
    for the whole batch, its corner uniform over every position that fits. Inference, and
    training on images smaller than the crop: Keras' smart_resize, the largest centred
    window with the target aspect ratio resized (bilinear) to (height, width).
    seed: an int for a reproducible layer, None to draw from backend.rng().
    Inputs of any dtype give outputs of the layer's float dtype; the gradient flows back to
    the inputs (a slice, or a linear resize).
    Input shape: (batch, height, width, channels) or one image (height, width, channels);
    channels first with data_format='channels_first'. Output shape: the same with the new
    height and width.
    """

    def __init__(self, height, width, seed=None, data_format=None, name=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, name=name, **kwargs)
        self.height = check_size("RandomCrop", "height", height)
        self.width = check_size("RandomCrop", "width", width)
        self._training = True

    def call(self, inputs, training=True):
        self._training = bool(training)             # read by transform
        return super().call(inputs, training)

    def _active(self, training):
        return True                                 # inference crops too (smart_resize)

    def transform(self, images):                  # images: (batch, rows, cols, channels)
        _, rows, cols, _ = images.shape
        if not self._training or rows < self.height or cols < self.width:
            return smart_resize(images, self.height, self.width)
        rng = self._generator()
        top = int(rng.integers(rows - self.height + 1))
        left = int(rng.integers(cols - self.width + 1))
        return crop(images, top, left, self.height, self.width)

    def compute_output_shape(self, input_shape):
        return cropped_shape(input_shape, self.height, self.width, self.data_format)

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width}
