import { execFileSync } from "node:child_process";

/** A free TCP port, asked for synchronously (config files cannot await). */
export function freePortSync(): number {
  const script =
    "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log('port='+s.address().port);s.close()})";
  // NODE_OPTIONS is cleared: test runners preload hooks through it that may print to stdout.
  const output = execFileSync(process.execPath, ["-e", script], { env: { ...process.env, NODE_OPTIONS: "" } });
  const port = Number(/port=(\d+)/.exec(output.toString())?.[1]);
  if (!port) throw new Error(`could not get a free port: ${output}`);
  return port;
}
