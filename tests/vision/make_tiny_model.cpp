// Writes a tiny untrained emotion model for the CLI smoke tests: make_tiny_model OUT.safetensors
#include <iostream>

#include "tiny_model.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_tiny_model OUT.safetensors\n";
    return 2;
  }
  emomusic::test::write_tiny_model(argv[1]);
  return 0;
}
