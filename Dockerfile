# Kamrat container image: a static binary on distroless, running as the unprivileged user
# 65532 ("nonroot"). Build with `make docker` (tags kamrat:VERSION), or:
#
#   docker build --build-arg VERSION=$(git describe --tags --always --dirty) -t kamrat:dev .
#
# The final image holds the binary, CA certificates (TLS to PostgreSQL, SMTP and the OIDC
# providers) and the time zone database (Kamrat counts days and shows times in
# Europe/Stockholm; the binary does not embed zone data). No shell, no package manager.

ARG GO_VERSION=1.26.8

FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
# Modules first, so that the download layer is reused while only the source changes.
COPY go.mod go.sum ./
RUN go mod download && go mod verify
COPY . .
ARG VERSION=dev
# The same build as `make build`: no cgo (SQLite is pure Go), a static binary.
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" \
      -o /out/kamrat ./cmd/kamrat \
 && /out/kamrat version \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
ARG VERSION=dev
LABEL org.opencontainers.image.title="Kamrat" \
      org.opencontainers.image.description="Systematised peer support for Swedish regions" \
      org.opencontainers.image.source="https://github.com/kamrat/kamrat" \
      org.opencontainers.image.version="${VERSION}"
COPY --from=build /out/kamrat /usr/local/bin/kamrat
# A writable working directory for the embedded SQLite database of a single-container trial
# (`docker run -p 8080:8080 kamrat:dev`); with PostgreSQL nothing is written here.
COPY --from=build --chown=65532:65532 /out/data /data
WORKDIR /data
# Listen on every interface inside the container (the binary's own default is 127.0.0.1:8080).
ENV KAMRAT_ADDR=:8080
EXPOSE 8080
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/kamrat"]
CMD ["serve"]
