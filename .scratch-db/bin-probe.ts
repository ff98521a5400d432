import { listPostgresBinaries, findPostgresBinaries } from '/work/main/src/database/postgres-binaries.ts';
const t = performance.now();
console.log(await listPostgresBinaries(), performance.now() - t);
console.log(await findPostgresBinaries('17'), await findPostgresBinaries('16'), await findPostgresBinaries());
