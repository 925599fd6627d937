// Broker memory under volume: a fresh broker child takes `totalBytes` of 1 KB records from kcat
// (the same record file produced over and over), then kcat reads it all back. RSS is sampled every
// 100 ms; the figure at each whole GB shows whether memory grows with the data.
import { kcatConsume, kcatProduce } from './kcat';
import { GB, RssSampler, cpuSeconds } from './proc';

export interface RssResult {
  bytes: number;
  seconds: number;
  startRssBytes: number;
  maxRssBytes: number;
  finalRssBytes: number;
  /** RSS after each whole GB written (the current sample and the max so far). */
  atGb: { gb: number; rssBytes: number; maxRssBytes: number }[];
  consume: { seconds: number; maxRssBytes: number; finalRssBytes: number };
  brokerCpuSecPerGb: number;
  kcatCpuSecPerGb: number;
  kcatMaxRssBytes: number;
}

export async function rssUnderVolume(o: {
  bootstrap: string;
  brokerPid: number;
  topic: string;
  file: string;
  fileBytes: number;
  totalBytes: number;
  batchBytes: number;
  log: (line: string) => void;
}): Promise<RssResult> {
  const sampler = new RssSampler(o.brokerPid);
  const startRssBytes = sampler.last;
  const atGb: RssResult['atGb'] = [];
  let written = 0;
  let kcatCpu = 0;
  let kcatMaxRss = 0;
  const cpu0 = cpuSeconds(o.brokerPid);
  const t0 = performance.now();
  while (written < o.totalBytes) {
    const r = await kcatProduce({
      bootstrap: o.bootstrap,
      topic: o.topic,
      file: o.file,
      acks: 1,
      batchBytes: o.batchBytes,
      brokerPid: o.brokerPid,
    });
    kcatCpu += r.toolCpuSeconds;
    kcatMaxRss = Math.max(kcatMaxRss, r.toolMaxRssBytes);
    const before = written;
    written += o.fileBytes;
    const rss = sampler.sample();
    for (let g = Math.floor(before / GB) + 1; g <= Math.floor(written / GB); g++) {
      atGb.push({ gb: g, rssBytes: rss, maxRssBytes: sampler.max });
      o.log(
        `  ${g} GB written: broker RSS ${(rss / 2 ** 20).toFixed(0)} MB (max ${(sampler.max / 2 ** 20).toFixed(0)} MB)`,
      );
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const brokerCpu = cpuSeconds(o.brokerPid) - cpu0;
  const maxProduce = sampler.max;
  const finalProduce = sampler.sample();
  // Reading everything back: the fetch path must not hold data either.
  sampler.max = 0;
  const c = await kcatConsume({ bootstrap: o.bootstrap, topic: o.topic, brokerPid: o.brokerPid });
  sampler.stop();
  return {
    bytes: written,
    seconds,
    startRssBytes,
    maxRssBytes: maxProduce,
    finalRssBytes: finalProduce,
    atGb,
    consume: { seconds: c.seconds, maxRssBytes: sampler.max, finalRssBytes: sampler.last },
    brokerCpuSecPerGb: brokerCpu / (written / GB),
    kcatCpuSecPerGb: kcatCpu / (written / GB),
    kcatMaxRssBytes: kcatMaxRss,
  };
}
