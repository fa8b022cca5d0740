# The orderstream pipeline and dashboard in one image: Node 20 for the apps, Python for dbt.
FROM node:20-bookworm-slim

RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv ca-certificates \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY package.json package-lock.json ./
COPY packages ./packages
COPY examples ./examples
RUN npm ci --no-audit --no-fund

COPY . .
RUN bash scripts/pyenv.sh >/dev/null
# The CLI's prebuilt entry (.cache/cli/), so the first start does not build it.
RUN node --conditions=@orderstream/source examples/pipeline/bin/orderstream.mjs --version

ENV NODE_ENV=production \
    ORDERSTREAM_DUCKDB_PATH=/data/orderstream.duckdb
VOLUME ["/data"]
EXPOSE 8501 9464
ENTRYPOINT ["node", "--conditions=@orderstream/source", "examples/pipeline/bin/orderstream.mjs"]
CMD ["demo", "--host", "0.0.0.0"]
