import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ApiKeyService } from '../../access/apikey.service.ts';
import type { WaybillService } from '../../waybill/waybill.service.ts';
import type { ContactService } from '../../waybill/contact.service.ts';
import { actorOf, requireScope } from '../auth.ts';
import { labelPdf, labelPng, labelZpl } from '../../waybill/label.ts';
import { ErrorResponse } from './shared.ts';
import {
  Parcel,
  ParcelAssign,
  ParcelAssignment,
  ParcelCreate,
  ParcelLabel,
  ParcelLabelQuery,
  ParcelParams,
  ParcelWithTimeline,
} from '../contract/parcels.ts';

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
        body: ParcelCreate,
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
        params: ParcelParams,
        response: {
          200: ParcelWithTimeline,
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
        params: ParcelParams,
        body: ParcelAssign,
        response: {
          200: ParcelAssignment,
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
        params: ParcelParams,
        querystring: ParcelLabelQuery,
        response: { 200: ParcelLabel, 404: ErrorResponse },
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
