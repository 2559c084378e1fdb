// Produces and consumes through Charter's broker with kafkajs 2.2.4, which
// never uses flexible protocol versions. Usage: node client.js BROKER TOPIC
// SCHEMA_ID. Prints one JSON line per outcome for the Go test to check.
const { Kafka, logLevel } = require('kafkajs');

const [broker, topic, schemaID] = process.argv.slice(2);
const kafka = new Kafka({ clientId: 'kafkajs-shop', brokers: [broker], logLevel: logLevel.NOTHING });
const say = (o) => console.log(JSON.stringify(o));

function wire(id, text) {
  const b = Buffer.alloc(5);
  b.writeUInt32BE(id, 1);
  return Buffer.concat([b, Buffer.from(text)]);
}

async function main() {
  const producer = kafka.producer({ idempotent: true, allowAutoTopicCreation: true });
  await producer.connect();
  const sent = await producer.send({
    topic, acks: -1,
    messages: [0, 1, 2].map((i) => ({ key: `k${i}`, value: wire(Number(schemaID), `hello-${i}`) })),
  });
  say({ produced: sent.map((r) => r.baseOffset) });
  try {
    await producer.send({ topic, acks: -1, messages: [{ value: 'no schema id' }] });
    say({ refused: false });
  } catch (e) {
    say({ refused: true, type: e.type || (e.cause && e.cause.type) || String(e) });
  }
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: 'kafkajs-group' });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const values = [];
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out consuming')), 30000);
    consumer.run({
      eachMessage: async ({ message }) => {
        values.push(message.value.subarray(5).toString());
        if (values.length === 3) { clearTimeout(timer); resolve(); }
      },
    }).catch(reject);
  });
  say({ consumed: values });
  await consumer.disconnect();
}

main().then(() => process.exit(0), (e) => { say({ error: String(e && e.stack || e) }); process.exit(1); });
