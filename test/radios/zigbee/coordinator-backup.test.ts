/** A coordinator backup handed out without keys: the network key and every device's link key are left out, nothing else. */
import { describe, expect, it } from 'vitest';
import { backupWithoutKeys } from '../../../src/radios/zigbee/coordinator-backup.js';

describe('a backup without its keys', () => {
  it('leaves out network_key.key and each devices[].link_key.key and keeps the rest', () => {
    const backup = {
      metadata: { format: 'zigpy/open-coordinator-backup', version: 1 },
      pan_id: '4242',
      network_key: { key: 'aa'.repeat(16), sequence_number: 0, frame_counter: 7 },
      devices: [
        { ieee_address: '00124b0000000001', link_key: { key: 'bb'.repeat(16), rx_counter: 1, tx_counter: 2 } },
        { ieee_address: '00124b0000000002' },
      ],
    };
    const before = JSON.stringify(backup);
    expect(backupWithoutKeys(backup)).toEqual({
      metadata: backup.metadata,
      pan_id: '4242',
      network_key: { sequence_number: 0, frame_counter: 7 },
      devices: [{ ieee_address: '00124b0000000001', link_key: { rx_counter: 1, tx_counter: 2 } }, { ieee_address: '00124b0000000002' }],
    });
    expect(JSON.stringify(backup)).toBe(before);
  });
});
