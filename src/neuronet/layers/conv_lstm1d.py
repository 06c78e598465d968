"""ConvLSTM1D: a convolutional LSTM over sequences of 1-D signals."""
from .conv_lstm import ConvLSTM


class ConvLSTM1D(ConvLSTM):
    """1-D convolutional LSTM: an LSTM whose input and recurrent transformations are 1-D
    convolutions (arguments and call as keras.layers.ConvLSTM1D; see ConvLSTM).

    Input shape: (batch, time, steps, channels), or (batch, time, channels, steps) with
    data_format='channels_first'. Output shape: (batch, time, new_steps, filters) with
    return_sequences=True, else (batch, new_steps, filters) (channels first likewise);
    return_state=True adds the final h and c, each (batch, new_steps, filters).
    Weights: kernel (kernel_size, channels, 4 filters), recurrent_kernel (kernel_size,
    filters, 4 filters), bias (4 filters,).
    """

    rank = 1
