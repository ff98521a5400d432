import { execFileSync, execFile } from 'node:child_process';
import { promisify } from 'node:util';
const ex = promisify(execFile);
const D = execFileSync('mktemp', ['-d', '/tmp/apf-cp-XXXX']).toString().trim();
execFileSync('chown', ['nobody', D]);
execFileSync('/usr/lib/postgresql/15/bin/initdb', ['-D', D + '/tpl', '-A', 'trust', '-U', 'postgres', '--no-sync', '--locale=C'], { uid: 65534, gid: 65534, cwd: D });
for (let i = 0; i < 4; i++) {
  let t = performance.now();
  await ex('cp', ['-R', D + '/tpl', D + '/d' + i], { uid: 65534, gid: 65534, cwd: D });
  console.log('cp as nobody', (performance.now() - t).toFixed(0));
  t = performance.now();
  await ex('cp', ['-R', D + '/tpl', D + '/r' + i], { cwd: D });
  console.log('cp as root', (performance.now() - t).toFixed(0));
  t = performance.now();
  execFileSync('sh', ['-c', `cp -R ${D}/tpl ${D}/s${i}`], { uid: 65534, gid: 65534, cwd: D });
  console.log('sh cp as nobody sync', (performance.now() - t).toFixed(0));
}
execFileSync('rm', ['-rf', D]);
