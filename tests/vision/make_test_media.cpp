// Generated media for tests/cli/detect_safety.sh:
//   make_test_media video OUT.avi FRAMES [BAD_FRAME…]   MJPG video whose listed frames are broken
//   make_test_media png OUT.png WIDTH HEIGHT            small PNG whose header claims that size
//   make_test_media still OUT.avi PHOTO FRAMES          MJPG video of the photo, FRAMES times
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "test_media.hpp"
#include "test_support.hpp"

int main(int argc, char** argv) {
  const std::string what = argc > 1 ? argv[1] : "";
  if (what == "video" && argc >= 4) {
    std::vector<int> bad;
    for (int i = 4; i < argc; ++i) bad.push_back(std::atoi(argv[i]));
    emomusic::test::write_video_with_bad_frames(argv[2], std::atoi(argv[3]), bad);
    return 0;
  }
  if (what == "png" && argc == 5) {
    emomusic::test::write_file(
        argv[2], emomusic::test::png_declaring(static_cast<unsigned>(std::stoul(argv[3])),
                                               static_cast<unsigned>(std::stoul(argv[4]))));
    return 0;
  }
  if (what == "still" && argc == 5) {
    emomusic::test::write_still_video(argv[2], argv[3], std::atoi(argv[4]));
    return 0;
  }
  std::cerr << "usage: make_test_media video OUT.avi FRAMES [BAD…] | png OUT.png W H | still "
               "OUT.avi PHOTO FRAMES\n";
  return 2;
}
