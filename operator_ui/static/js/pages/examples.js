// examples.js holds the job specs the editor offers to start from.
export const examples = [
  {
    key: 'web',
    label: 'Web: httpget → jsonparse → multiply',
    about: 'Started by "Run now" or POST /v2/specs/ID/runs. Fetches a price, picks a field and scales it to an integer.',
    spec: {
      initiators: [{ type: 'web' }],
      tasks: [
        { type: 'httpget', params: { get: 'https://min-api.cryptocompare.com/data/price?fsym=ETH&tsyms=USD' } },
        { type: 'jsonparse', params: { path: ['USD'] } },
        { type: 'multiply', params: { times: 100 } },
      ],
    },
  },
  {
    key: 'runlog',
    label: 'Runlog: answer Oracle requests with ethtx',
    about: 'Started by OracleRequest logs on chain. The request supplies the URL, path and multiplier; ethtx sends the answer back to the requesting Oracle contract. Set "address" to your Oracle to listen to it alone.',
    spec: {
      initiators: [{ type: 'runlog' }],
      tasks: [
        { type: 'httpget' },
        { type: 'jsonparse' },
        { type: 'multiply' },
        { type: 'ethuint256' },
        { type: 'ethtx' },
      ],
      minPayment: '100000000000000000',
    },
  },
  {
    key: 'cron',
    label: 'Cron: push a price every 5 minutes',
    about: 'Started on a schedule (seconds field optional). Replace the address and function with your contract\'s.',
    spec: {
      initiators: [{ type: 'cron', params: { schedule: 'CRON_TZ=UTC 0 */5 * * * *' } }],
      tasks: [
        { type: 'httpget', params: { get: 'https://min-api.cryptocompare.com/data/price?fsym=ETH&tsyms=USD' } },
        { type: 'jsonparse', params: { path: ['USD'] } },
        { type: 'multiply', params: { times: 100 } },
        { type: 'ethuint256' },
        { type: 'ethtx', params: { address: '0x000000000000000000000000000000000000dEaD', functionSelector: 'setPrice(uint256)' } },
      ],
    },
  },
];
