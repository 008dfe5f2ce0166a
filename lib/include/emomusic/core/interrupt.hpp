#pragma once
/// @file
/// Ctrl-C and SIGTERM as a request to stop, not a kill. A command passes interrupt_token() to its
/// long runs (detect streams and batches, training, catalog imports), which poll it and end as if
/// their input had ended: JSON arrays are closed, annotated videos committed, summaries printed,
/// and the last checkpoint is kept. The exit code is then 130, as a shell expects after Ctrl-C. A
/// second signal ends the process at once, for when a loop is stuck in a call that does not
/// return. The library itself never looks at the signals: it sees only the token it is given.

#include "emomusic/core/cancel.hpp"

namespace emomusic {

/// Installs the handlers for SIGINT and SIGTERM. Only the commands whose runs poll a token call it
/// (train, detect, recommend --from-camera, catalog import, serve): elsewhere the first Ctrl-C
/// must still stop at once.
void install_interrupt_handlers();
/// A new token that is cancelled once a signal arrived (interrupt_requested()), or once cancel()
/// was called on it or a copy. Safe to share between threads like any CancelToken.
CancelToken interrupt_token();
/// Whether a signal arrived since the handlers were installed (or since clear_interrupt()).
bool interrupt_requested();
/// Forgets a signal that arrived, so that the next one is again a request: for tests.
void clear_interrupt();

}  // namespace emomusic
