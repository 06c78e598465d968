"""Callbacks: objects the training loop calls at the start and end of training, epochs
and batches (History, EarlyStopping, ReduceLROnPlateau, CSVLogger, ...)."""
from .callback import Callback, CallbackList, pythonify_logs
from .csv_logger import CSVLogger
from .early_stopping import EarlyStopping
from .history import History
from .lambda_callback import LambdaCallback
from .learning_rate_scheduler import LearningRateScheduler
from .progbar_logger import ProgbarLogger
from .reduce_lr_on_plateau import ReduceLROnPlateau
from .terminate_on_nan import TerminateOnNaN

__all__ = ["Callback", "CallbackList", "CSVLogger", "EarlyStopping", "History",
           "LambdaCallback", "LearningRateScheduler", "ProgbarLogger", "ReduceLROnPlateau",
           "TerminateOnNaN"]

from .backup_and_restore import BackupAndRestore
from .model_checkpoint import ModelCheckpoint

__all__ += ["BackupAndRestore", "ModelCheckpoint"]

from .swap_ema_weights import SwapEMAWeights
from .tensorboard import TensorBoard

__all__ += ["SwapEMAWeights", "TensorBoard"]
