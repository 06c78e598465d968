"""ConvLSTM3D: a convolutional LSTM over sequences of volumes."""
from .conv_lstm import ConvLSTM


class ConvLSTM3D(ConvLSTM):
    """3-D convolutional LSTM: an LSTM whose input and recurrent transformations are 3-D
    convolutions (arguments and call as keras.layers.ConvLSTM3D; see ConvLSTM).

    Input shape: (batch, time, depth, rows, cols, channels), or (batch, time, channels,
    depth, rows, cols) with data_format='channels_first'. Output shape: (batch, time,
    new_depth, new_rows, new_cols, filters) with return_sequences=True, else (batch,
    new_depth, new_rows, new_cols, filters) (channels first likewise); return_state=True adds
    the final h and c, each shaped as the last output.
    Weights: kernel (kd, kh, kw, channels, 4 filters), recurrent_kernel (kd, kh, kw,
    filters, 4 filters), bias (4 filters,).
    """

    rank = 3
