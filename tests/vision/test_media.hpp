#pragma once
// Generated media for the vision tests and the CLI safety test: videos with frames that do not
// decode, and images whose headers lie.

#include <filesystem>
#include <string>
#include <vector>

namespace emomusic::test {

/// An MJPG .avi of `frames` 64×48 frames at 10 FPS whose frames listed in `bad` (0-based) do not
/// decode: every byte of their JPEG data is overwritten (the AVI index stays intact, so the
/// demuxer still finds the frames after them).
void write_video_with_bad_frames(const std::filesystem::path& path, int frames,
                                 const std::vector<int>& bad);

/// An MJPG .avi of `frames` frames at 10 FPS, each the photo at `photo` (cropped to even sides):
/// a face that holds still, for the runs that wait for a mood to settle.
void write_still_video(const std::filesystem::path& path, const std::filesystem::path& photo,
                       int frames);

/// PNG bytes of a 4×4 grey image whose header (with a correct CRC) claims width × height.
std::string png_declaring(unsigned width, unsigned height);

}  // namespace emomusic::test
