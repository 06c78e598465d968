"""Layers: the building blocks of models (Keras 3 names and semantics)."""
from .base import Layer
from .dense import Dense
from .input_layer import Input, InputLayer
from .input_spec import InputSpec
from .symbolic import SymbolicTensor
from .activation import Activation
from .dropout import Dropout
from .elu import ELU
from .flatten import Flatten
from .gaussian_noise import GaussianNoise
from .lambda_layer import Lambda
from .leaky_relu import LeakyReLU
from .permute import Permute
from .relu import ReLU
from .repeat_vector import RepeatVector
from .reshape import Reshape
from .softmax import Softmax

__all__ = ["Layer", "Dense", "Input", "InputLayer", "InputSpec", "SymbolicTensor"]
__all__ += ["Activation", "Dropout", "ELU", "Flatten", "GaussianNoise", "Lambda", "LeakyReLU",
            "Permute", "ReLU", "RepeatVector", "Reshape", "Softmax"]
from .merging import (Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract,
                      add, average, concatenate, dot, maximum, minimum, multiply, subtract)

__all__ += ["Add", "Average", "Concatenate", "Dot", "Maximum", "Minimum", "Multiply", "Subtract",
            "add", "average", "concatenate", "dot", "maximum", "minimum", "multiply", "subtract"]
from .average_pooling1d import AveragePooling1D
from .average_pooling2d import AveragePooling2D
from .batch_normalization import BatchNormalization
from .conv1d import Conv1D
from .conv2d import Conv2D
from .conv2d_transpose import Conv2DTranspose
from .cropping2d import Cropping2D
from .global_pooling import (GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D,
                             GlobalMaxPooling2D)
from .max_pooling1d import MaxPooling1D
from .max_pooling2d import MaxPooling2D
from .spatial_dropout2d import SpatialDropout2D
from .up_sampling2d import UpSampling2D
from .zero_padding2d import ZeroPadding2D

__all__ += ["AveragePooling1D", "AveragePooling2D", "BatchNormalization", "Conv1D", "Conv2D",
            "Conv2DTranspose", "Cropping2D", "GlobalAveragePooling1D", "GlobalAveragePooling2D",
            "GlobalMaxPooling1D", "GlobalMaxPooling2D", "MaxPooling1D", "MaxPooling2D",
            "SpatialDropout2D", "UpSampling2D", "ZeroPadding2D"]

# Keras' other names for the same layers
AvgPool1D, AvgPool2D, MaxPool1D, MaxPool2D = (AveragePooling1D, AveragePooling2D, MaxPooling1D,
                                              MaxPooling2D)
GlobalAvgPool1D, GlobalAvgPool2D = GlobalAveragePooling1D, GlobalAveragePooling2D
GlobalMaxPool1D, GlobalMaxPool2D = GlobalMaxPooling1D, GlobalMaxPooling2D
Convolution1D, Convolution2D, Convolution2DTranspose = Conv1D, Conv2D, Conv2DTranspose
__all__ += ["AvgPool1D", "AvgPool2D", "MaxPool1D", "MaxPool2D", "GlobalAvgPool1D",
            "GlobalAvgPool2D", "GlobalMaxPool1D", "GlobalMaxPool2D", "Convolution1D",
            "Convolution2D", "Convolution2DTranspose"]
from .random_flip import RandomFlip
from .random_rotation import RandomRotation
from .random_translation import RandomTranslation
from .random_zoom import RandomZoom
from .rescaling import Rescaling
from .resizing import Resizing

__all__ += ["RandomFlip", "RandomRotation", "RandomTranslation", "RandomZoom", "Rescaling",
            "Resizing"]
from .center_crop import CenterCrop
from .random_brightness import RandomBrightness
from .random_contrast import RandomContrast
from .random_crop import RandomCrop

__all__ += ["CenterCrop", "RandomBrightness", "RandomContrast", "RandomCrop"]
from .embedding import Embedding
from .masking import Masking
from .simple_rnn import SimpleRNN
from .lstm import LSTM
from .gru import GRU
from .bidirectional import Bidirectional
from .time_distributed import TimeDistributed
from .wrapper import Wrapper

__all__ += ["Embedding", "Masking", "SimpleRNN", "LSTM", "GRU", "Bidirectional",
            "TimeDistributed", "Wrapper"]
from .activity_regularization import ActivityRegularization
from .cropping1d import Cropping1D
from .group_normalization import GroupNormalization
from .identity import Identity
from .layer_normalization import LayerNormalization
from .normalization import Normalization
from .prelu import PReLU
from .spatial_dropout1d import SpatialDropout1D
from .unit_normalization import UnitNormalization
from .up_sampling1d import UpSampling1D
from .zero_padding1d import ZeroPadding1D

__all__ += ["ActivityRegularization", "Cropping1D", "GroupNormalization", "Identity",
            "LayerNormalization", "Normalization", "PReLU", "SpatialDropout1D",
            "UnitNormalization", "UpSampling1D", "ZeroPadding1D"]
from .depthwise_conv2d import DepthwiseConv2D
from .separable_conv2d import SeparableConv2D

SeparableConvolution2D = SeparableConv2D
__all__ += ["DepthwiseConv2D", "SeparableConv2D", "SeparableConvolution2D"]
from .attention import AdditiveAttention, Attention
from .multi_head_attention import MultiHeadAttention

__all__ += ["AdditiveAttention", "Attention", "MultiHeadAttention"]
from .integer_lookup import IntegerLookup
from .string_lookup import StringLookup
from .text_vectorization import TextVectorization

__all__ += ["IntegerLookup", "StringLookup", "TextVectorization"]
from .rnn import RNN
from .rnn_cells import GRUCell, LSTMCell, SimpleRNNCell, StackedRNNCells

__all__ += ["RNN", "GRUCell", "LSTMCell", "SimpleRNNCell", "StackedRNNCells"]
from .category_encoding import CategoryEncoding
from .discretization import Discretization
from .hashing import Hashing

__all__ += ["CategoryEncoding", "Discretization", "Hashing"]
from .average_pooling3d import AveragePooling3D
from .conv1d_transpose import Conv1DTranspose
from .conv3d import Conv3D
from .global_pooling import GlobalAveragePooling3D, GlobalMaxPooling3D
from .max_pooling3d import MaxPooling3D

AvgPool3D, MaxPool3D = AveragePooling3D, MaxPooling3D
GlobalAvgPool3D, GlobalMaxPool3D = GlobalAveragePooling3D, GlobalMaxPooling3D
Convolution1DTranspose, Convolution3D = Conv1DTranspose, Conv3D
__all__ += ["AveragePooling3D", "Conv1DTranspose", "Conv3D", "GlobalAveragePooling3D",
            "GlobalMaxPooling3D", "MaxPooling3D", "AvgPool3D", "MaxPool3D", "GlobalAvgPool3D",
            "GlobalMaxPool3D", "Convolution1DTranspose", "Convolution3D"]
from .alpha_dropout import AlphaDropout
from .gaussian_dropout import GaussianDropout

__all__ += ["AlphaDropout", "GaussianDropout"]
from .conv_lstm1d import ConvLSTM1D
from .conv_lstm2d import ConvLSTM2D
from .conv_lstm3d import ConvLSTM3D

__all__ += ["ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"]
from .conv3d_transpose import Conv3DTranspose
from .cropping3d import Cropping3D
from .depthwise_conv1d import DepthwiseConv1D
from .rms_normalization import RMSNormalization
from .separable_conv1d import SeparableConv1D
from .spatial_dropout3d import SpatialDropout3D
from .up_sampling3d import UpSampling3D
from .zero_padding3d import ZeroPadding3D

Convolution3DTranspose, SeparableConvolution1D = Conv3DTranspose, SeparableConv1D
__all__ += ["Conv3DTranspose", "Cropping3D", "DepthwiseConv1D", "RMSNormalization",
            "SeparableConv1D", "SpatialDropout3D", "UpSampling3D", "ZeroPadding3D",
            "Convolution3DTranspose", "SeparableConvolution1D"]
from .auto_contrast import AutoContrast
from .equalization import Equalization
from .random_color_degeneration import RandomColorDegeneration
from .random_color_jitter import RandomColorJitter
from .random_gaussian_blur import RandomGaussianBlur
from .random_grayscale import RandomGrayscale
from .random_hue import RandomHue
from .random_invert import RandomInvert
from .random_posterization import RandomPosterization
from .random_saturation import RandomSaturation
from .random_sharpness import RandomSharpness
from .solarization import Solarization

__all__ += ["AutoContrast", "Equalization", "RandomColorDegeneration", "RandomColorJitter",
            "RandomGaussianBlur", "RandomGrayscale", "RandomHue", "RandomInvert",
            "RandomPosterization", "RandomSaturation", "RandomSharpness", "Solarization"]
from .adaptive_average_pooling1d import AdaptiveAveragePooling1D
from .adaptive_average_pooling2d import AdaptiveAveragePooling2D
from .adaptive_average_pooling3d import AdaptiveAveragePooling3D
from .adaptive_max_pooling1d import AdaptiveMaxPooling1D
from .adaptive_max_pooling2d import AdaptiveMaxPooling2D
from .adaptive_max_pooling3d import AdaptiveMaxPooling3D

__all__ += ["AdaptiveAveragePooling1D", "AdaptiveAveragePooling2D", "AdaptiveAveragePooling3D",
            "AdaptiveMaxPooling1D", "AdaptiveMaxPooling2D", "AdaptiveMaxPooling3D"]
from .einsum_dense import EinsumDense
from .group_query_attention import GroupQueryAttention
from .hashed_crossing import HashedCrossing
from .pipeline import Pipeline
from .reversible_embedding import ReversibleEmbedding
from .serialization import deserialize, serialize
from .spectral_normalization import SpectralNormalization

__all__ += ["EinsumDense", "GroupQueryAttention", "HashedCrossing",
            "Pipeline", "ReversibleEmbedding", "SpectralNormalization", "serialize",
            "deserialize"]
from .aug_mix import AugMix
from .cut_mix import CutMix
from .mix_up import MixUp
from .rand_augment import RandAugment
from .random_elastic_transform import RandomElasticTransform
from .random_erasing import RandomErasing
from .random_perspective import RandomPerspective
from .random_shear import RandomShear

__all__ += ["AugMix", "CutMix", "MixUp", "RandAugment", "RandomElasticTransform",
            "RandomErasing", "RandomPerspective", "RandomShear"]
from .mel_spectrogram import MelSpectrogram
from .stft_spectrogram import STFTSpectrogram

__all__ += ["MelSpectrogram", "STFTSpectrogram"]
