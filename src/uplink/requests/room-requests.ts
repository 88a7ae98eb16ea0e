/** Bridge requests about rooms: create, rename, delete, and a device in or out of one (src/devices/rooms.ts). */
import { z } from 'zod';
import { defineRequests } from './request-module.js';
import { deviceOf, deviceRef, roomRef } from './refs.js';

export const roomRequests = defineRequests({
  'room/create': {
    schema: z.object({ name: z.string({ error: 'expected the room name' }), id: z.string().optional() }),
    handle: (request, context) => context.devices.rooms.create(request.name, request.id),
  },
  'room/rename': {
    schema: z.object({ id: roomRef, name: z.string({ error: 'expected the new name' }) }),
    handle: (request, context) => context.devices.rooms.rename(request.id, request.name),
  },
  'room/delete': {
    schema: z.object({ id: roomRef }),
    handle: (request, context) => context.devices.rooms.delete(request.id),
  },
  'room/add_device': {
    schema: z.object({ room: roomRef, device: deviceRef, position: z.int().min(0).optional() }),
    handle: (request, context) => context.devices.rooms.addDevice(request.room, deviceOf(context, request.device).id, request.position),
  },
  'room/remove_device': {
    schema: z.object({ room: roomRef, device: deviceRef }),
    handle: (request, context) => context.devices.rooms.removeDevice(request.room, deviceOf(context, request.device).id),
  },
});
