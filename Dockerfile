# syntax=docker/dockerfile:1
# Build: a static pythia binary (pure-Go SQLite, no cgo needed).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG COMMIT=unknown
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X github.com/pythia-oracle/pythia/core/cmd.Version=${VERSION} -X github.com/pythia-oracle/pythia/core/cmd.Commit=${COMMIT}" \
      -o /out/pythia ./core

# Run: a small image with CA certificates, an unprivileged user and ROOT on a volume.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/pythia /usr/local/bin/pythia
ENV ROOT=/data LOG_FORMAT=json
VOLUME ["/data"]
EXPOSE 6688
ENTRYPOINT ["/usr/local/bin/pythia"]
CMD ["node", "start"]
