"""DirectoryIterator: batches of pictures read from a folder with one sub-folder per class."""
import os

import numpy as np

from ...backend import check_choice
from ..dataset_utils import class_folders, list_files
from ...io_utils import print_msg
from .iterator import Iterator, split_slice
from .utils import COLOR_MODES, INTERPOLATIONS, ITERATOR_FORMATS, check_size, load_image_batch

CLASS_MODES = ("categorical", "binary", "sparse", "input", None)


class DirectoryIterator(Iterator):
    """Batches `(x, y)` of pictures from `directory/<class>/...`, decoded and resized per batch.

    Classes are the sub-folders (sorted by name unless `classes` is given); the picture
    files of each class are found recursively, sorted, and kept by extension (see
    `white_list_formats`). A JPEG much larger than `target_size` is decoded at a reduced
    scale before resizing, which is faster and may differ slightly from a full decode.

    Args:
        directory: the folder of class sub-folders.
        image_data_generator: the ImageDataGenerator that augments the samples, or None.
        target_size: (height, width) every picture is resized to.
        color_mode: 'rgb' (3 channels), 'grayscale' (1) or 'rgba' (4).
        classes: class sub-folder names, in label order; None for all sub-folders, sorted.
        class_mode: the labels y: 'categorical' (one-hot floats), 'binary' (0./1.),
            'sparse' (the class index as a float), 'input' (y is x), None (x only).
        subset: 'training' or 'validation' with the generator's validation_split: the
            validation subset is the first int(count * validation_split) files of each class.
        interpolation: 'nearest', 'bilinear', 'bicubic', 'hamming', 'box' or 'lanczos'.
        follow_links: follow symbolic links to folders inside the class sub-folders.
        keep_aspect_ratio: resize the centred crop of the target's aspect ratio.

    Attributes: class_indices ({name: index}), classes (the label of every file),
    filenames (paths relative to `directory`), filepaths, samples, num_classes, image_shape.
    """

    allowed_class_modes = set(CLASS_MODES)

    def __init__(self, directory, image_data_generator, target_size=(256, 256), color_mode="rgb",
                 classes=None, class_mode="categorical", batch_size=32, shuffle=True, seed=None,
                 data_format=None, save_to_dir=None, save_prefix="", save_format="png",
                 follow_links=False, subset=None, interpolation="nearest",
                 keep_aspect_ratio=False, dtype=None):
        self._set_processing_attrs(image_data_generator, data_format, dtype, save_to_dir,
                                   save_prefix, save_format)
        name = type(self).__name__
        self.target_size = check_size(name, "target_size", target_size)
        self.color_mode = check_choice(name, "color_mode", color_mode, tuple(COLOR_MODES))
        self.class_mode = check_choice(name, "class_mode", class_mode, CLASS_MODES)
        self.interpolation = check_choice(name, "interpolation", interpolation, INTERPOLATIONS)
        self.keep_aspect_ratio = keep_aspect_ratio
        channels = (COLOR_MODES[color_mode],)
        self.image_shape = (self.target_size + channels if self.data_format == "channels_last"
                            else channels + self.target_size)
        self.directory = os.fsdecode(directory)
        class_names = class_folders(self.directory, classes, name)
        self.class_indices = {class_name: i for i, class_name in enumerate(class_names)}
        self.num_classes = len(class_names)
        if class_mode == "binary" and self.num_classes > 2:
            raise ValueError(f"{name}: class_mode='binary' needs at most 2 classes, found "
                             f"{self.num_classes} in '{self.directory}': {class_names}")
        self.subset = subset
        split = None if subset is None else self._validation_split(subset)

        self.filenames, labels = [], []
        for index, class_name in enumerate(class_names):
            files = list_files(os.path.join(self.directory, class_name), ITERATOR_FORMATS,
                               follow_links)
            if split is not None:
                files = files[split_slice(len(files), split, subset)]
            self.filenames += [os.path.join(class_name, f) for f in files]
            labels += [index] * len(files)
        if not self.filenames:
            where = f"the {subset!r} subset of " if subset else ""
            raise ValueError(f"{name}: found no image files in {where}the class sub-folders of "
                             f"'{self.directory}' {class_names} (allowed extensions: "
                             f"{', '.join(self.white_list_formats)})")
        self.classes = np.array(labels, dtype="int32")
        self.samples = len(self.filenames)
        self._filepaths = [os.path.join(self.directory, f) for f in self.filenames]
        print_msg(f"Found {self.samples} images belonging to {self.num_classes} classes.")
        super().__init__(self.samples, batch_size, shuffle, seed)

    @property
    def filepaths(self):
        """Full path of every file, in label order."""
        return self._filepaths

    @property
    def labels(self):
        """The class index of every file (same as `classes`)."""
        return self.classes

    @property
    def sample_weight(self):
        return None

    def _get_batches_of_transformed_samples(self, index_array):
        batch_x = load_image_batch([self._filepaths[j] for j in index_array], self.color_mode,
                                   self.target_size, self.interpolation,
                                   aspect="crop" if self.keep_aspect_ratio else None,
                                   data_format=self.data_format, dtype=self.dtype,
                                   caller=type(self).__name__)
        batch_x = self._transform(batch_x, index_array)
        labels = self.classes[index_array]
        if self.class_mode == "input":
            return batch_x, batch_x.copy()
        if self.class_mode in ("binary", "sparse"):
            return batch_x, labels.astype(self.dtype)
        if self.class_mode == "categorical":
            return batch_x, np.eye(self.num_classes, dtype=self.dtype)[labels]
        return batch_x
