// pidusage 4 ships no types: the part mmtop uses (lib/stats.js on Linux reads /proc/PID/stat).
declare module 'pidusage' {
  interface Status {
    cpu: number;
    memory: number;
    ppid: number;
    pid: number;
    ctime: number;
    elapsed: number;
    timestamp: number;
  }
  function pidusage(pid: number): Promise<Status>;
  namespace pidusage {
    function clear(): void;
  }
  export default pidusage;
}
