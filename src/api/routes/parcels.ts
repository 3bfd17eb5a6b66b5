import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ApiKeyService } from '../../access/apikey.service.ts';
import type { WaybillService } from '../../waybill/waybill.service.ts';
import type { ContactService } from '../../waybill/contact.service.ts';
import { actorOf, requireScope } from '../auth.ts';
import { labelPdf, labelPng, labelZpl } from '../../waybill/label.ts';
import { ErrorResponse } from './shared.ts';

const Parcel = Type.Object({
  tracking: Type.String({ description: 'UPU S10 tracking number' }),
  recipient: Type.String({ description: 'vault token' }),
  sender: Type.Union([Type.String(), Type.Null()]),
  origin: Type.String(),
  destination: Type.String(),
  sortCode: Type.String(),
  nextHop: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  createdAt: Type.String(),
});

/** Parcels for the platform: created for vault tokens, read with their scan timeline. */
export const parcelRoutes: FastifyPluginAsyncTypebox<{
  waybill: Pick<WaybillService, 'createParcel' | 'get' | 'label'>;
  contact: Pick<ContactService, 'assign'>;
  apiKeys: Pick<ApiKeyService, 'verify'>;
}> = async (app, { waybill, contact, apiKeys }) => {
  const platform = requireScope(apiKeys, 'platform');
  const security = [{ bearer: [] }];
  app.post(
    '/v1/parcels',
    {
      preHandler: platform,
      schema: {
        tags: ['parcels'],
        summary: 'Create a parcel for a recipient (a vault token) from one station to another',
        security,
        body: Type.Object(
          {
            recipient: Type.String(),
            sender: Type.Optional(Type.String()),
            origin: Type.String(),
            destination: Type.String(),
          },
          { additionalProperties: false },
        ),
        response: { 201: Parcel, 400: ErrorResponse },
      },
    },
    async (req, reply) => reply.status(201).send(await waybill.createParcel(req.body)),
  );
  app.get(
    '/v1/parcels/:tracking',
    {
      preHandler: platform,
      schema: {
        tags: ['parcels'],
        summary: 'A parcel and its scan timeline',
        security,
        params: Type.Object({ tracking: Type.String() }),
        response: {
          200: Type.Composite([
            Parcel,
            Type.Object({
              timeline: Type.Array(
                Type.Object({ at: Type.String(), step: Type.String(), station: Type.String(), device: Type.String() }),
              ),
            }),
          ]),
          404: ErrorResponse,
        },
      },
    },
    async (req) => waybill.get(req.params.tracking),
  );
  app.post(
    '/v1/parcels/:tracking/assignment',
    {
      preHandler: platform,
      schema: {
        tags: ['parcels'],
        summary: 'Assign a parcel to a courier (its courier app) for today',
        security,
        params: Type.Object({ tracking: Type.String() }),
        body: Type.Object(
          { courier: Type.String({ description: 'the courier app’s device id' }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ tracking: Type.String(), courier: Type.String(), day: Type.String() }),
          400: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (req) => contact.assign(req.params.tracking, req.body.courier),
  );
  app.get(
    '/v1/parcels/:tracking/label',
    {
      preHandler: platform,
      schema: {
        tags: ['parcels'],
        summary: 'The privacy waybill: ZPL (203 dpi thermal printers), PDF or PNG, 100 × 150 mm',
        description:
          'Tracking number, signed reference, route and masked values only; the barcodes hold the tracking number (Code 128) and the tracking number with its reference (QR).',
        security,
        params: Type.Object({ tracking: Type.String() }),
        querystring: Type.Object({
          format: Type.Optional(Type.Union([Type.Literal('zpl'), Type.Literal('pdf'), Type.Literal('png')])),
        }),
        response: {
          200: Type.Unsafe<string | Buffer>({
            type: 'string',
            format: 'binary',
            description: 'the label, in the format asked',
          }),
          404: ErrorResponse,
        },
      },
    },
    async (req, reply) => {
      const model = await waybill.label(req.params.tracking, actorOf(req));
      const format = req.query.format ?? 'pdf';
      if (format === 'zpl') return reply.type('application/zpl; charset=utf-8').send(labelZpl(model));
      if (format === 'png') return reply.type('image/png').send(labelPng(model));
      return reply.type('application/pdf').send(await labelPdf(model));
    },
  );
};
