#pragma once
/// @file
/// Confusion matrices as heat maps of recall: each row (a true class) is normalised to 100%.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "emomusic/plot/canvas.hpp"

namespace emomusic::plot {

/// Side of the square picture, in pixels.
inline constexpr int kConfusionMatrixSize = 700;

/// Where the cells are: cell (row, column) covers [left + column * cell, left + (column+1) * cell)
/// x [top + row * cell, top + (row+1) * cell).
struct MatrixGeometry {
  double left;
  double top;
  double cell;
};

/// The geometry render_confusion_matrix() uses for these class names.
MatrixGeometry confusion_matrix_geometry(const std::vector<std::string>& class_names);

/// Draws `counts[true][predicted]` as a heat map of row-normalised values (the recall of each true
/// class), every cell labelled with its percentage and count, rows "true", columns "predicted",
/// a colour bar, and the overall accuracy under the title. A row without samples is grey.
/// Throws InputError when the matrix is not square, does not match `class_names`, has a negative
/// count or no samples at all.
Canvas render_confusion_matrix(const std::vector<std::vector<std::int64_t>>& counts,
                               const std::vector<std::string>& class_names,
                               const std::string& title);

/// render_confusion_matrix() saved as a PNG, written atomically.
void plot_confusion_matrix(const std::vector<std::vector<std::int64_t>>& counts,
                           const std::vector<std::string>& class_names,
                           const std::filesystem::path& png, const std::string& title);

}  // namespace emomusic::plot
