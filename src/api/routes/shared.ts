import { Type } from '@sinclair/typebox';
import { ERROR_CODES, type ErrorCode } from '../../lib/errors.ts';

/** The body of every error answer. */
export const ErrorResponse = Type.Object({
  error: Type.Object({
    // Listed from the one closed set, so the document names every code an answer can carry.
    code: Type.Unsafe<ErrorCode>({ type: 'string', enum: [...ERROR_CODES], examples: ['invalid_input'] }),
    message: Type.String(),
    details: Type.Array(
      Type.Object({ path: Type.Optional(Type.String()), line: Type.Optional(Type.Number()), problem: Type.String() }),
    ),
    requestId: Type.String(),
  }),
});
