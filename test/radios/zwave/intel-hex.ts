/** Intel HEX text of a firmware image starting at address 0 (16 data bytes a record, images under 64 KiB), as firmware files for Z-Wave devices come. */
const hex2 = (n: number): string => n.toString(16).padStart(2, '0').toUpperCase();

function record(address: number, type: number, data: Uint8Array): string {
  const bytes = [data.length, (address >> 8) & 0xff, address & 0xff, type, ...data];
  const checksum = (0x100 - (bytes.reduce((sum, byte) => sum + byte, 0) & 0xff)) & 0xff;
  return `:${bytes.map(hex2).join('')}${hex2(checksum)}`;
}

export function intelHex(image: Uint8Array): string {
  if (image.length > 0x10000) throw new Error('intelHex: images up to 64 KiB only');
  const lines: string[] = [];
  for (let offset = 0; offset < image.length; offset += 16) lines.push(record(offset, 0x00, image.subarray(offset, offset + 16)));
  lines.push(record(0, 0x01, new Uint8Array()));
  return `${lines.join('\n')}\n`;
}
