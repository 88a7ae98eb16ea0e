/** Bridge requests of Z-Wave's joining and leaving: exclusion, and the answers an S2 inclusion asks for. */
import { z } from 'zod';
import { SECURITY_CLASS_NAMES } from '../../radios/radio.js';
import { defineRequests } from './request-module.js';

export const zwaveInclusionRequests = defineRequests({
  'zwave/exclusion': {
    schema: z.object({ value: z.boolean({ error: 'expected true or false' }), time: z.int().min(1).max(254).optional() }),
    handle: async (request, context) => {
      const seconds = request.value ? (request.time ?? 60) : 0;
      await context.radios.exclusion(seconds);
      return { value: request.value, time: seconds };
    },
  },
  'zwave/grant_security': {
    schema: z.object({
      securityClasses: z.array(
        z.enum(SECURITY_CLASS_NAMES, { error: `expected security classes among ${SECURITY_CLASS_NAMES.join(', ')}` }),
        { error: 'expected the granted security classes (an empty list declines)' },
      ),
      clientSideAuth: z.boolean().optional(),
    }),
    handle: (request, context) => {
      context.radios.answerInclusion({
        grant: {
          securityClasses: request.securityClasses,
          ...(request.clientSideAuth === undefined ? {} : { clientSideAuth: request.clientSideAuth }),
        },
      });
      return { securityClasses: request.securityClasses };
    },
  },
  'zwave/validate_dsk': {
    schema: z.object({ pin: z.string({ error: 'expected the 5-digit PIN as a string' }).optional() }),
    handle: (request, context) => {
      context.radios.answerInclusion({ pin: request.pin });
      return { confirmed: request.pin !== undefined };
    },
  },
});
