// Sizes for humans, in binary units: backups, plan data columns.

/** 532 B, 12.3 KiB, 4.0 MiB, 1.2 GiB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** A `du -k` figure for humans; `size unknown` when du did not finish. */
export function formatKiB(kib: number | null): string {
  return kib === null ? 'size unknown' : formatBytes(kib * 1024);
}
