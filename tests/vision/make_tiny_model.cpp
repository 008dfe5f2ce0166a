// Writes a tiny untrained emotion model for the CLI smoke tests:
//   make_tiny_model OUT.safetensors [SPOILED]
// SPOILED: a bad variant for the error tests (see write_spoiled_model in tiny_model.hpp).
#include <iostream>

#include "tiny_model.hpp"

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3) {
    std::cerr << "usage: make_tiny_model OUT.safetensors [SPOILED]\n";
    return 2;
  }
  if (argc == 3) {
    emomusic::test::write_spoiled_model(argv[1], argv[2]);
  } else {
    emomusic::test::write_tiny_model(argv[1]);
  }
  return 0;
}
