"""Where messages go: the terminal, or Python's logging (`keras.config` toggles).

Progress bars, model summaries and the callbacks' messages all pass through `print_msg`.
With interactive logging on (the default) it writes to standard output; turned off, each
message becomes an INFO record of the logger 'neuronet', and progress bars no longer redraw
in place, so that a service or a batch job keeps clean logs.
"""
import logging
import sys

__all__ = ["enable_interactive_logging", "disable_interactive_logging",
           "is_interactive_logging_enabled", "print_msg"]

_interactive = True
logger = logging.getLogger("neuronet")


def enable_interactive_logging():
    """Write messages and progress bars to standard output (the default)."""
    global _interactive
    _interactive = True


def disable_interactive_logging():
    """Send messages to the logger 'neuronet' (level INFO) instead of standard output."""
    global _interactive
    _interactive = False


def is_interactive_logging_enabled():
    """Whether messages go to standard output (True) or to the logger 'neuronet' (False)."""
    return _interactive


def print_msg(message, line_break=True):
    """Write `message` to standard output, or log it when interactive logging is off."""
    if _interactive:
        sys.stdout.write(message + ("\n" if line_break else ""))
        sys.stdout.flush()
    else:
        logger.info(message)
