import { Type } from '@sinclair/typebox';

/** The body of every error answer. */
export const ErrorResponse = Type.Object({
  error: Type.Object({
    code: Type.String({ examples: ['invalid_input'] }),
    message: Type.String(),
    details: Type.Array(Type.Object({ path: Type.Optional(Type.String()), line: Type.Optional(Type.Number()), problem: Type.String() })),
    requestId: Type.String(),
  }),
});
