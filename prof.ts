import { replay } from './src/detect/replay.ts';
import { createReadStream } from 'node:fs';
for (let i = 0; i < 4; i++) { const t = performance.now(); await replay(createReadStream('/tmp/w.ndjson')); console.log(((performance.now() - t)).toFixed(0), 'ms'); }
