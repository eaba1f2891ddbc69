package io.lamina.fs;

import io.lamina.sys.Stat;

import java.util.List;

/**
 * Which layers answer for one name of a merged directory.
 *
 * @param upper      the upper entry's stat, or null when only lower layers have the name
 * @param metacopy   the upper entry is a metadata-only copy whose data is {@code lower}
 * @param lower      for a non-directory: the lower entry giving its data (and, without an upper
 *                   entry, its metadata); null for a directory or a pure upper file
 * @param lowerDirs  for a directory: the lower directories merged under it, top first
 * @param lowerStat  stat of the topmost lower entry ({@code lower} or {@code lowerDirs[0]}), or null
 * @param origin     the st_ino recorded on the upper entry when it was copied up, or 0
 */
record Resolution(FileType type, Stat upper, boolean metacopy, LowerRef lower,
                  List<LowerRef> lowerDirs, Stat lowerStat, long origin) {
}
