// Writes the default model's instruction-tuning set (chat JSONL in the OpenAI/Mistral fine-tuning format) to stdout.
// Every conversation is generated from the lists below with a seeded generator, so the file is reproducible:
//   node default-model/instruct.mjs > instruct.jsonl
let seed = 20261123;
function rand() { // mulberry32
  seed |= 0; seed = (seed + 0x6D2B79F5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (xs) => xs[Math.floor(rand() * xs.length)];

const NAME = 'Sirocco Mini';
const cities = ['Paris', 'London', 'Berlin', 'Madrid', 'Rome', 'Lisbon', 'Oslo', 'Vienna', 'Dublin', 'Athens',
  'Boston', 'Chicago', 'Denver', 'Seattle', 'Austin', 'Tokyo', 'Seoul', 'Sydney', 'Nantucket', 'Cairo'];
const conditions = ['sunny', 'cloudy', 'rainy', 'windy', 'foggy', 'snowy', 'clear'];
const topics = ['whales', 'ships', 'the sea', 'harpoons', 'the Congress', 'the budget', 'sailing', 'storms', 'islands', 'maps'];
const systems = [null, null, 'You are a helpful assistant.', `You are ${NAME}, a small assistant.`, 'Answer briefly.'];

const weatherTool = {type: 'function', function: {name: 'get_weather', description: 'Current weather in a city',
  parameters: {type: 'object', properties: {city: {type: 'string', description: 'City name'}}, required: ['city']}}};
const timeTool = {type: 'function', function: {name: 'get_time', description: 'Current local time in a city',
  parameters: {type: 'object', properties: {city: {type: 'string'}}, required: ['city']}}};
const searchTool = {type: 'function', function: {name: 'search', description: 'Search documents for a topic',
  parameters: {type: 'object', properties: {query: {type: 'string'}}, required: ['query']}}};

function withSystem(messages) {
  const s = pick(systems);
  return s ? [{role: 'system', content: s}, ...messages] : messages;
}

const chats = [
  [['Hello', 'Hi!', 'Hello there', 'Good morning', 'Hey'],
    ['Hello! How can I help you today?', 'Hi! What can I do for you?', 'Hello! Ask me anything, and I will do my best.']],
  [['Who are you?', 'What is your name?', 'Tell me about yourself.', 'What are you?'],
    [`I am ${NAME}, a small language model trained from scratch with Sirocco on public-domain English text.`,
      `My name is ${NAME}. I am a tiny model that runs on your own computer.`]],
  [['What can you do?', 'How can you help me?', 'What are you good at?'],
    ['I can chat briefly and call the tools you give me, such as a weather or search function. I am very small, so my answers are simple.']],
  [['Thank you', 'Thanks!', 'Thanks a lot'], ['You are welcome!', 'Glad to help!']],
  [['Goodbye', 'Bye', 'See you later'], ['Goodbye! Have a good day.', 'Bye! Come back any time.']],
  [['Who is the captain of the Pequod?', 'Who commands the Pequod?'], ['Captain Ahab commands the Pequod in Moby Dick.']],
  [['Who tells the story of Moby Dick?', 'Who is the narrator of Moby Dick?'], ['Ishmael tells the story. The book begins: "Call me Ishmael."']],
  [['What is Moby Dick?', 'What is Moby Dick about?'], ['Moby Dick is a novel by Herman Melville about Captain Ahab and his hunt for a great white whale.']],
  [['What is the State of the Union?', 'What is a State of the Union address?'],
    ['It is the message the President of the United States gives to Congress each year about the condition of the nation.']],
  [['Where do you run?', 'Do you need the internet?', 'Is my data private?'],
    ['I run on your own machine with Sirocco. Your messages stay on your computer.']],
];

const out = [];
for (const [asks, answers] of chats) {
  for (let i = 0; i < 14; i++) {
    out.push({messages: withSystem([{role: 'user', content: pick(asks)}, {role: 'assistant', content: pick(answers)}])});
  }
}
for (let i = 0; i < 40; i++) {
  const t = pick(topics);
  out.push({messages: withSystem([{role: 'user', content: pick([`Tell me about ${t}.`, `What do you know about ${t}?`, `Explain ${t}.`])},
    {role: 'assistant', content: `I am a very small model, so I know only a little about ${t}. If you give me a search tool, I can look it up.`}])});
}
for (let i = 0; i < 30; i++) {
  const word = pick([...cities, ...topics, 'hello world', 'the sea is calm']);
  out.push({messages: withSystem([{role: 'user', content: `Repeat after me: ${word}`}, {role: 'assistant', content: word}])});
}

let callId = 0;
const id = () => 'call' + String(10000 + callId++); // 9 alphanumerics, as the server makes them
function toolTurn(tools, user, name, args, result, answer) {
  const cid = id();
  const call = {role: 'assistant', content: '', tool_calls: [{id: cid, type: 'function', function: {name, arguments: JSON.stringify(args)}}]};
  const msgs = [{role: 'user', content: user}, call];
  if (result !== null) {
    msgs.push({role: 'tool', tool_call_id: cid, name, content: JSON.stringify(result)});
    msgs.push({role: 'assistant', content: answer});
  }
  return {messages: withSystem(msgs), tools};
}
for (let i = 0; i < 90; i++) {
  const city = pick(cities);
  const tools = rand() < 0.5 ? [weatherTool] : [weatherTool, timeTool, searchTool];
  const temp = Math.floor(rand() * 35) - 5;
  const cond = pick(conditions);
  const user = pick([`What's the weather in ${city}?`, `How is the weather in ${city} today?`, `Is it cold in ${city}?`, `Weather in ${city}, please.`]);
  out.push(toolTurn(tools, user, 'get_weather', {city}, rand() < 0.7 ? {city, temperature_c: temp, condition: cond} : null,
    `It is ${temp}°C and ${cond} in ${city}.`));
}
for (let i = 0; i < 50; i++) {
  const city = pick(cities);
  const h = Math.floor(rand() * 24), m = Math.floor(rand() * 60);
  const time = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
  const user = pick([`What time is it in ${city}?`, `Tell me the time in ${city}.`, `Current time in ${city}?`]);
  out.push(toolTurn([timeTool, weatherTool], user, 'get_time', {city}, rand() < 0.7 ? {city, time} : null,
    `It is ${time} in ${city}.`));
}
for (let i = 0; i < 50; i++) {
  const t = pick(topics);
  const user = pick([`Search for ${t}.`, `Find documents about ${t}.`, `Look up ${t} for me.`]);
  out.push(toolTurn([searchTool, weatherTool], user, 'search', {query: t},
    rand() < 0.6 ? {results: [{title: `Notes on ${t}`, snippet: `A short text about ${t}.`}]} : null,
    `I found one document: "Notes on ${t}". It is a short text about ${t}.`));
}
for (let i = 0; i < 30; i++) { // with tools offered but not needed, answer in words
  const [asks, answers] = pick(chats);
  out.push({messages: withSystem([{role: 'user', content: pick(asks)}, {role: 'assistant', content: pick(answers)}]),
    tools: [weatherTool, searchTool]});
}
// shuffle so that an epoch mixes the kinds
for (let i = out.length - 1; i > 0; i--) {
  const j = Math.floor(rand() * (i + 1));
  [out[i], out[j]] = [out[j], out[i]];
}
for (const ex of out) console.log(JSON.stringify(ex));
