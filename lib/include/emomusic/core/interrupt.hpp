#pragma once
/// @file
/// Ctrl-C and SIGTERM as a request to stop, not a kill. Long loops (detect streams and batches,
/// training) poll interrupt_requested() and end as if their input had ended: JSON arrays are
/// closed, annotated videos committed, summaries printed, and the last checkpoint is kept. The
/// exit code is then 130, as a shell expects after Ctrl-C. A second signal ends the process at
/// once, for when a loop is stuck in a call that does not return.

namespace emomusic {

/// Installs the handlers for SIGINT and SIGTERM. Only the commands whose loops poll call it
/// (train, detect, recommend --from-camera): elsewhere the first Ctrl-C must still stop at once.
void install_interrupt_handlers();
/// Whether a signal arrived since the handlers were installed (or since clear_interrupt()).
bool interrupt_requested();
/// The same request without a signal, and its reset: for tests and embedding programs.
void request_interrupt();
void clear_interrupt();

}  // namespace emomusic
