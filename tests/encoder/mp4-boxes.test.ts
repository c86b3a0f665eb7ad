import { describe, expect, it } from 'vitest';
import { parseEsds, parseSegment, readBoxes } from '../../encoder/analysis/mp4-boxes.ts';

function box(type: string, ...payload: Uint8Array[]): Uint8Array {
  const size = 8 + payload.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, size);
  out.set([...type].map((c) => c.charCodeAt(0)), 4);
  let pos = 8;
  for (const p of payload) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}
const u32 = (...ns: number[]): Uint8Array => {
  const b = new Uint8Array(ns.length * 4);
  ns.forEach((n, i) => new DataView(b.buffer).setUint32(i * 4, n >>> 0));
  return b;
};

describe('mp4 box reader (pure)', () => {
  it('reads a segment: tfdt, trun durations, first-sample sync flag', () => {
    // tfhd (flags 0x20: default_sample_flags = non-sync), tfdt v0 = 5000, trun with first_sample_flags (sync) + durations.
    const tfhd = box('tfhd', u32(0x000020, 1, 0x00010000));
    const tfdt = box('tfdt', u32(0, 5000));
    const trun = box('trun', u32(0x000104, 3, 0x02000000, 512, 512, 256));
    const seg = new Uint8Array([...box('moof', box('mfhd', u32(0, 1)), box('traf', tfhd, tfdt, trun)), ...box('mdat', new Uint8Array(10))]);
    const info = parseSegment(seg, { defaultSampleDuration: 0, defaultSampleFlags: 0 });
    expect(info).toEqual({ baseMediaDecodeTime: 5000, durationTicks: 1280, sampleCount: 3, startsWithSync: true, fragments: 1 });
    const noSync = new Uint8Array([...box('moof', box('traf', tfhd, tfdt, box('trun', u32(0x000100, 1, 512)))), ...box('mdat')]);
    expect(parseSegment(noSync, { defaultSampleDuration: 0, defaultSampleFlags: 0 }).startsWithSync).toBe(false);
  });

  it('rejects truncated boxes instead of reading garbage', () => {
    const b = box('moof', new Uint8Array(20));
    expect(() => readBoxes(b.subarray(0, 16))).toThrow(/truncated/);
  });

  it('reads the AAC object type from esds (mp4a.40.2 = AAC-LC)', () => {
    // ES_Descriptor(3) { ES_ID, flags } DecoderConfig(4) { 0x40 AAC, ... } DecoderSpecificInfo(5) { 0x11 0x90 = AOT 2 }
    const dsi = [0x05, 0x02, 0x11, 0x90];
    const dc = [0x04, 13 + dsi.length, 0x40, 0x15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ...dsi];
    const es = [0x03, 3 + dc.length, 0x00, 0x01, 0x00, ...dc];
    expect(parseEsds(new Uint8Array(es))).toEqual({ objectType: 0x40, audioObjectType: 2 });
  });
});
