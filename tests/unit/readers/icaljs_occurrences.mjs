// Prints {uid: [unix seconds, ...]} for every VEVENT occurrence before argv[3] (unix seconds),
// as Thunderbird's calendar engine (Mozilla's ical.js) reads the file: only its own VTIMEZONE.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const require = createRequire(pathToFileURL(process.env.ICALJS_PREFIX + "/package.json"));
const ICAL = (await import(pathToFileURL(require.resolve("ical.js")))).default;
const root = new ICAL.Component(ICAL.parse(readFileSync(process.argv[2], "utf8")));
for (const zone of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(zone);
}
const until = Number(process.argv[3]);
const out = {};
for (const vevent of root.getAllSubcomponents("vevent")) {
  const event = new ICAL.Event(vevent);
  const found = [];
  const it = event.iterator();
  for (let next = it.next(); next && next.toUnixTime() < until; next = it.next()) {
    found.push(next.toUnixTime());
  }
  out[event.uid] = found;
}
process.stdout.write(JSON.stringify(out));
