// /proc/self/mountinfo, parsed strictly. The kernel escapes space, tab, newline and backslash in
// paths as \040 \011 \012 \134; they are decoded here (so matching sees the real path) and quoted
// again for commands by shellQuote. A backslash not followed by three octal digits is an error.
import { bodyLines, parseFail, type FactDefinition } from '../probe/section.js';

/** One line of /proc/self/mountinfo, escapes decoded. */
export interface Mount {
  id: number;
  parentId: number;
  root: string;
  mountPoint: string;
  fsType: string;
  source: string;
  options: string;
}

export interface MountFacts {
  /** In mountinfo order (roughly mount order), which the unmount ordering relies on. */
  mounts: Mount[];
}

/** Decodes mountinfo's octal escapes; null when the text contains a malformed one. */
export function decodeMountField(text: string): string | null {
  let malformed = false;
  const decoded = text.replace(/\\([0-7]{3})?/g, (_, octal: string | undefined) => {
    if (octal === undefined || parseInt(octal, 8) > 0xff) {
      malformed = true;
      return '';
    }
    // The kernel escapes only ASCII; an escaped byte above 0x7f would be half of a UTF-8 sequence we
    // cannot rebuild here, so it becomes U+FFFD and the name is refused wherever it matters.
    const byte = parseInt(octal, 8);
    return byte > 0x7f ? '\ufffd' : String.fromCharCode(byte);
  });
  return malformed ? null : decoded;
}

/** The inverse, for guards that grep mountinfo for a path: escapes exactly what the kernel escapes. */
export function encodeMountField(path: string): string {
  return path.replace(/[\\ \t\n]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

// `ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL…] - FSTYPE SOURCE SUPEROPTIONS`
function parseMountLine(line: string, lineNo: number): Mount {
  const fields = line.split(' ');
  const dash = fields.indexOf('-', 6);
  if (fields.length < 10 || dash === -1 || fields.length !== dash + 4) {
    return parseFail('mounts', `not a mountinfo line: ${JSON.stringify(line.slice(0, 80))}`, lineNo);
  }
  const [id, parentId, device, rawRoot, rawPoint, options] = fields;
  if (!/^\d+$/.test(id) || !/^\d+$/.test(parentId) || !/^\d+:\d+$/.test(device)) {
    return parseFail('mounts', `bad mount id, parent id or device in ${JSON.stringify(line.slice(0, 80))}`, lineNo);
  }
  const decode = (text: string, what: string) =>
    decodeMountField(text) ?? parseFail('mounts', `malformed escape in ${what} ${JSON.stringify(text.slice(0, 80))}`, lineNo);
  const mountPoint = decode(rawPoint, 'mount point');
  if (!mountPoint.startsWith('/')) parseFail('mounts', `mount point is not absolute: ${JSON.stringify(mountPoint.slice(0, 80))}`, lineNo);
  return {
    id: Number(id),
    parentId: Number(parentId),
    root: decode(rawRoot, 'root'),
    mountPoint,
    fsType: decode(fields[dash + 1], 'fstype'),
    source: decode(fields[dash + 2], 'source'),
    options,
  };
}

export const mountsFact: FactDefinition<MountFacts> = {
  sections: [{ id: 'mounts', inline: true, script: 'cat /proc/self/mountinfo' }],
  parse(read) {
    const output = read.get('mounts');
    if (output.status !== 0) parseFail('mounts', `cannot read /proc/self/mountinfo (status ${String(output.status)})`);
    const mounts = bodyLines(output.stdout).map((line, i) => parseMountLine(line, i + 1));
    const ids = new Set<number>();
    mounts.forEach((mount, i) => {
      if (ids.has(mount.id)) parseFail('mounts', `mount id ${mount.id} appears twice`, i + 1);
      ids.add(mount.id);
    });
    return { mounts };
  },
};
