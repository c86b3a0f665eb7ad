/**
 * Pure: read the few ISO-BMFF (MP4) boxes we need to describe fMP4 output from facts,
 * not from what we asked ffmpeg for: the init segment's timescale, track type and exact
 * RFC 6381 codec string (avcC / esds), and each media segment's decode time, duration,
 * sample count and whether it starts with a sync sample (keyframe).
 */

export interface Box {
  type: string;
  /** Offset of the box payload (after the header) in the buffer. */
  start: number;
  /** Offset just past the end of the box. */
  end: number;
}

const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'mvex', 'moof', 'traf', 'edts', 'dinf']);

export function readBoxes(buf: Uint8Array, start = 0, end = buf.length): Box[] {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const boxes: Box[] = [];
  let pos = start;
  while (pos + 8 <= end) {
    let size = view.getUint32(pos);
    const type = String.fromCharCode(buf[pos + 4]!, buf[pos + 5]!, buf[pos + 6]!, buf[pos + 7]!);
    let header = 8;
    if (size === 1) {
      if (pos + 16 > end) throw new Error(`truncated large box ${type} at ${pos}`);
      size = Number(view.getBigUint64(pos + 8));
      header = 16;
    } else if (size === 0) {
      size = end - pos;
    }
    if (size < header || pos + size > end) throw new Error(`truncated box ${type} at ${pos} (size ${size}, ${end - pos} bytes left)`);
    boxes.push({ type, start: pos + header, end: pos + size });
    pos += size;
  }
  if (pos !== end) throw new Error(`trailing ${end - pos} bytes after last box`);
  return boxes;
}

/** Depth-first search along a path of box types, e.g. ["moov","trak","mdia","mdhd"]. */
export function findBox(buf: Uint8Array, path: string[], start = 0, end = buf.length): Box | null {
  const [head, ...rest] = path;
  if (!head) return null;
  for (const box of readBoxes(buf, start, end)) {
    if (box.type !== head) continue;
    if (rest.length === 0) return box;
    if (!CONTAINERS.has(box.type)) continue;
    const found = findBox(buf, rest, box.start, box.end);
    if (found) return found;
  }
  return null;
}

export function findAll(buf: Uint8Array, type: string, start = 0, end = buf.length): Box[] {
  return readBoxes(buf, start, end).filter((b) => b.type === type);
}

function dv(buf: Uint8Array): DataView {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

export interface InitInfo {
  kind: 'video' | 'audio';
  trackId: number;
  timescale: number;
  /** RFC 6381, e.g. "avc1.64001f" or "mp4a.40.2". */
  codecs: string;
  width?: number;
  height?: number;
  channels?: number;
  sampleRate?: number;
  defaultSampleDuration: number;
  defaultSampleFlags: number;
}

export function parseInit(buf: Uint8Array): InitInfo {
  const view = dv(buf);
  const mdhd = findBox(buf, ['moov', 'trak', 'mdia', 'mdhd']);
  const hdlr = findBox(buf, ['moov', 'trak', 'mdia', 'hdlr']);
  const tkhd = findBox(buf, ['moov', 'trak', 'tkhd']);
  const stsd = findBox(buf, ['moov', 'trak', 'mdia', 'minf', 'stbl', 'stsd']);
  if (!mdhd || !hdlr || !stsd || !tkhd) throw new Error('init segment lacks moov/trak/mdia (mdhd, hdlr, stsd)');
  const mdhdVersion = buf[mdhd.start]!;
  const timescale = view.getUint32(mdhd.start + (mdhdVersion === 1 ? 20 : 12));
  const handler = String.fromCharCode(...buf.subarray(hdlr.start + 8, hdlr.start + 12));
  const tkhdVersion = buf[tkhd.start]!;
  const trackId = view.getUint32(tkhd.start + (tkhdVersion === 1 ? 20 : 12));
  const trex = findBox(buf, ['moov', 'mvex', 'trex']);
  const defaultSampleDuration = trex ? view.getUint32(trex.start + 12) : 0;
  const defaultSampleFlags = trex ? view.getUint32(trex.start + 20) : 0;
  // stsd: fullbox header (4) + entry_count (4), then the first sample entry box.
  const [entry] = readBoxes(buf, stsd.start + 8, stsd.end);
  if (!entry) throw new Error('init segment has an empty stsd');

  if (handler === 'vide') {
    const width = view.getUint16(entry.start + 24);
    const height = view.getUint16(entry.start + 26);
    const children = readBoxes(buf, entry.start + 78, entry.end);
    const avcC = children.find((b) => b.type === 'avcC');
    if (!avcC || (entry.type !== 'avc1' && entry.type !== 'avc3')) {
      throw new Error(`unsupported video sample entry ${entry.type} (expected avc1 with avcC)`);
    }
    const codecs = `${entry.type}.${hex2(buf[avcC.start + 1]!)}${hex2(buf[avcC.start + 2]!)}${hex2(buf[avcC.start + 3]!)}`;
    return { kind: 'video', trackId, timescale, codecs, width, height, defaultSampleDuration, defaultSampleFlags };
  }
  if (handler === 'soun') {
    const channels = view.getUint16(entry.start + 16);
    const sampleRate = view.getUint32(entry.start + 24) >>> 16;
    const children = readBoxes(buf, entry.start + 28, entry.end);
    const esds = children.find((b) => b.type === 'esds');
    if (!esds || entry.type !== 'mp4a') throw new Error(`unsupported audio sample entry ${entry.type} (expected mp4a with esds)`);
    const { objectType, audioObjectType } = parseEsds(buf.subarray(esds.start + 4, esds.end));
    return {
      kind: 'audio',
      trackId,
      timescale,
      codecs: `mp4a.${hex2(objectType)}.${audioObjectType}`,
      channels,
      sampleRate,
      defaultSampleDuration,
      defaultSampleFlags,
    };
  }
  throw new Error(`unsupported track handler "${handler}"`);
}

/** ES_Descriptor → DecoderConfigDescriptor (objectTypeIndication) → DecoderSpecificInfo (AudioSpecificConfig). */
export function parseEsds(d: Uint8Array): { objectType: number; audioObjectType: number } {
  let pos = 0;
  const readDescriptor = (): { tag: number; start: number; end: number } => {
    const tag = d[pos++]!;
    let size = 0;
    for (let i = 0; i < 4; i++) {
      const b = d[pos++]!;
      size = (size << 7) | (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
    return { tag, start: pos, end: pos + size };
  };
  const es = readDescriptor();
  if (es.tag !== 0x03) throw new Error('esds: missing ES_Descriptor');
  pos += 2; // ES_ID
  const flags = d[pos++]!;
  if (flags & 0x80) pos += 2;
  if (flags & 0x40) pos += 1 + d[pos]!;
  if (flags & 0x20) pos += 2;
  const dc = readDescriptor();
  if (dc.tag !== 0x04) throw new Error('esds: missing DecoderConfigDescriptor');
  const objectType = d[pos]!;
  pos += 13;
  let audioObjectType = 0;
  if (pos < dc.end) {
    const dsi = readDescriptor();
    if (dsi.tag === 0x05) {
      audioObjectType = d[dsi.start]! >> 3;
      if (audioObjectType === 31) audioObjectType = 32 + (((d[dsi.start]! & 0x07) << 3) | (d[dsi.start + 1]! >> 5));
    }
  }
  return { objectType, audioObjectType };
}

export interface SegmentInfo {
  baseMediaDecodeTime: number;
  /** Sum of sample durations in the init's timescale. */
  durationTicks: number;
  sampleCount: number;
  /** True when the first sample is a sync sample (keyframe / IDR). */
  startsWithSync: boolean;
  fragments: number;
}

export function parseSegment(buf: Uint8Array, init: Pick<InitInfo, 'defaultSampleDuration' | 'defaultSampleFlags'>): SegmentInfo {
  const view = dv(buf);
  const moofs = findAll(buf, 'moof');
  if (moofs.length === 0) throw new Error('media segment has no moof box');
  if (findAll(buf, 'mdat').length === 0) throw new Error('media segment has no mdat box');
  let base: number | null = null;
  let durationTicks = 0;
  let sampleCount = 0;
  let startsWithSync: boolean | null = null;
  for (const moof of moofs) {
    for (const traf of findAll(buf, 'traf', moof.start, moof.end)) {
      const children = readBoxes(buf, traf.start, traf.end);
      const tfhd = children.find((b) => b.type === 'tfhd');
      if (!tfhd) throw new Error('traf without tfhd');
      const tfhdFlags = view.getUint32(tfhd.start) & 0xffffff;
      let p = tfhd.start + 8;
      if (tfhdFlags & 0x01) p += 8;
      if (tfhdFlags & 0x02) p += 4;
      let defaultDuration = init.defaultSampleDuration;
      let defaultFlags = init.defaultSampleFlags;
      if (tfhdFlags & 0x08) {
        defaultDuration = view.getUint32(p);
        p += 4;
      }
      if (tfhdFlags & 0x10) p += 4;
      if (tfhdFlags & 0x20) defaultFlags = view.getUint32(p);
      const tfdt = children.find((b) => b.type === 'tfdt');
      if (tfdt && base === null) {
        base = buf[tfdt.start] === 1 ? Number(view.getBigUint64(tfdt.start + 4)) : view.getUint32(tfdt.start + 4);
      }
      for (const trun of children.filter((b) => b.type === 'trun')) {
        const flags = view.getUint32(trun.start) & 0xffffff;
        const count = view.getUint32(trun.start + 4);
        let q = trun.start + 8;
        if (flags & 0x01) q += 4;
        let firstFlags: number | null = null;
        if (flags & 0x04) {
          firstFlags = view.getUint32(q);
          q += 4;
        }
        for (let i = 0; i < count; i++) {
          let duration = defaultDuration;
          let sampleFlags = defaultFlags;
          if (flags & 0x100) {
            duration = view.getUint32(q);
            q += 4;
          }
          if (flags & 0x200) q += 4;
          if (flags & 0x400) {
            sampleFlags = view.getUint32(q);
            q += 4;
          }
          if (flags & 0x800) q += 4;
          if (i === 0 && firstFlags !== null) sampleFlags = firstFlags;
          if (startsWithSync === null) startsWithSync = ((sampleFlags >>> 16) & 1) === 0;
          durationTicks += duration;
        }
        sampleCount += count;
      }
    }
  }
  return { baseMediaDecodeTime: base ?? 0, durationTicks, sampleCount, startsWithSync: startsWithSync ?? false, fragments: moofs.length };
}
