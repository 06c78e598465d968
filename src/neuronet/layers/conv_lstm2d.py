"""ConvLSTM2D: a convolutional LSTM over sequences of images (e.g. video frames)."""
from .conv_lstm import ConvLSTM


class ConvLSTM2D(ConvLSTM):
    """2-D convolutional LSTM: an LSTM whose input and recurrent transformations are 2-D
    convolutions (arguments and call as keras.layers.ConvLSTM2D; see ConvLSTM).

    Input shape: (batch, time, rows, cols, channels), or (batch, time, channels, rows, cols)
    with data_format='channels_first'. Output shape: (batch, time, new_rows, new_cols,
    filters) with return_sequences=True, else (batch, new_rows, new_cols, filters) (channels
    first likewise); return_state=True adds the final h and c, each shaped as the last output.
    Weights: kernel (kh, kw, channels, 4 filters), recurrent_kernel (kh, kw, filters,
    4 filters), bias (4 filters,).
    """

    rank = 2
