/**
 * Part of `npm run bench -- memory`, in a fresh process: node loading the libraries named on
 * the command line (as the hub imports them) and nothing else; prints its memory after a full
 * GC as one JSON line. What the hub costs beyond this is hearth's own.
 */
const libraries = process.argv.slice(2);
for (const library of libraries) await import(library);
global.gc?.();
const { rss, heapUsed } = process.memoryUsage();
const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
console.log(JSON.stringify({ libraries, rss_mb: mb(rss), heap_used_mb: mb(heapUsed) }));
