//! A Kafka-compatible broker that requires TLS, and optionally SASL SCRAM: tansu with its SQLite
//! storage (which keeps SCRAM credentials; memory storage keeps none) behind a TLS terminator
//! (`socat`; tansu 0.6.0 accepts `--cert`/`--key` but serves plaintext). Certificates come from
//! the `openssl` command line: a CA and a server certificate for `127.0.0.1` and `localhost`.
//!
//! Needs `tansu` built with `--features dynostore,libsql`, `socat` and `openssl` (Debian
//! packages `socat`, `openssl`). [`SecureBroker::start`] says which is missing.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::free_port;
use crate::python::run;

/// SCRAM users made on the broker: (name, password, mechanism).
pub const USERS: &[(&str, &str, &str)] = &[
    ("relay", "relay-secret", "SCRAM-SHA-512"),
    ("consumer", "consumer-secret", "SCRAM-SHA-256"),
];

/// How clients reach the broker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// `security.protocol=SSL`: TLS, no authentication.
    Ssl,
    /// `security.protocol=SASL_SSL`: TLS and SCRAM; the broker refuses unauthenticated requests.
    SaslSsl,
}

/// The broker and its TLS terminator; both stop when this is dropped.
#[derive(Debug)]
pub struct SecureBroker {
    children: Vec<Child>,
    dir: PathBuf,
    port: u16,
    security: Security,
}

impl Drop for SecureBroker {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn spawn(command: &mut Command, log: &Path) -> Result<Child, String> {
    let file = std::fs::File::create(log).map_err(|err| err.to_string())?;
    command
        .stdin(Stdio::null())
        .stdout(file.try_clone().map_err(|err| err.to_string())?)
        .stderr(file)
        .spawn()
        .map_err(|err| format!("cannot start {command:?}: {err}"))
}

fn wait_for_port(port: u16, child: &mut Child, log: &Path) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        let exited = child.try_wait().ok().flatten();
        if exited.is_some() || Instant::now() > deadline {
            return Err(format!(
                "nothing listens on port {port} (exited: {exited:?}); log: {}",
                std::fs::read_to_string(log).unwrap_or_default()
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}

/// The tools the broker needs, or which one is missing.
pub fn available() -> Result<(), String> {
    for (tool, args) in [("socat", "-V"), ("openssl", "version")] {
        if Command::new(tool)
            .arg(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_err()
        {
            return Err(format!(
                "`{tool}` is not installed (Debian package `{tool}`)"
            ));
        }
    }
    Ok(())
}

impl SecureBroker {
    /// A fresh broker with `topics` (name, partitions) and the [`USERS`].
    pub fn start(security: Security, topics: &[(&str, i32)]) -> Result<Self, String> {
        available()?;
        let tansu = std::env::var("TANSU_BIN").unwrap_or_else(|_| "tansu".into());
        let private = free_port()?;
        let port = free_port()?;
        let dir = std::env::temp_dir().join(format!("tidings-secure-{port}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|err| err.to_string())?;
        let mut broker = Self {
            children: Vec::new(),
            dir: dir.clone(),
            port,
            security,
        };
        broker.certificates()?;

        // tansu reads the SQLite path relative to its working directory.
        let storage = "sqlite://tansu.db".to_owned();
        let listener = format!("tcp://127.0.0.1:{private}");
        let advertised = format!("tcp://127.0.0.1:{port}");
        let start = |broker: &mut Self, authentication: bool| -> Result<(), String> {
            let log = dir.join(if authentication {
                "tansu-auth.log"
            } else {
                "tansu.log"
            });
            let mut command = Command::new(&tansu);
            command
                .current_dir(&dir)
                .args(["broker", "--listener-url", &listener])
                .args(["--advertised-listener-url", &advertised])
                .args(["--storage-engine", &storage]);
            if authentication {
                command.arg("--authentication");
            }
            let mut child = spawn(&mut command, &log)?;
            let ready = wait_for_port(private, &mut child, &log);
            broker.children.push(child);
            ready.map_err(|err| {
                format!(
                    "{err}\n(SQLite storage needs tansu built with `--features dynostore,libsql`)"
                )
            })
        };
        // Users and topics are made while nothing is required (creating a user is itself a
        // request that needs a login once authentication is on); the storage keeps them.
        start(&mut broker, false)?;
        let plain = format!("tcp://127.0.0.1:{private}");
        for (name, partitions) in topics {
            run(Command::new(&tansu)
                .args(["topic", "create", name, "--partitions"])
                .arg(partitions.to_string())
                .args(["--broker", &plain]))?;
        }
        for (user, password, mechanism) in USERS {
            let mechanism = if *mechanism == "SCRAM-SHA-256" {
                "scram256"
            } else {
                "scram512"
            };
            run(Command::new(&tansu)
                .args(["user", "create", "--broker", &plain, user, password])
                .args(["--mechanism", mechanism]))?;
        }
        if security == Security::SaslSsl {
            for mut child in broker.children.drain(..) {
                let _ = child.kill();
                let _ = child.wait();
            }
            start(&mut broker, true)?;
        }
        let log = dir.join("socat.log");
        let mut socat = spawn(
            Command::new("socat")
                .arg(format!(
                    "openssl-listen:{port},bind=127.0.0.1,reuseaddr,fork,cert={},key={},verify=0",
                    dir.join("server.pem").display(),
                    dir.join("server-key.pem").display()
                ))
                .arg(format!("tcp:127.0.0.1:{private}")),
            &log,
        )?;
        let ready = wait_for_port(port, &mut socat, &log);
        broker.children.push(socat);
        ready?;
        Ok(broker)
    }

    fn certificates(&self) -> Result<(), String> {
        let at = |name: &str| self.dir.join(name);
        run(Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            ])
            .arg("-keyout")
            .arg(at("ca-key.pem"))
            .arg("-out")
            .arg(at("ca.pem"))
            .args(["-subj", "/CN=tidings test CA"])
            .args(["-addext", "basicConstraints=critical,CA:TRUE"])
            .args(["-addext", "keyUsage=critical,keyCertSign,cRLSign"]))?;
        run(Command::new("openssl")
            .args(["req", "-newkey", "rsa:2048", "-nodes"])
            .arg("-keyout")
            .arg(at("server-key.pem"))
            .arg("-out")
            .arg(at("server.csr"))
            .args(["-subj", "/CN=localhost"]))?;
        std::fs::write(
            at("san.ext"),
            "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n",
        )
        .map_err(|err| err.to_string())?;
        run(Command::new("openssl")
            .args(["x509", "-req", "-days", "2", "-CAcreateserial"])
            .arg("-in")
            .arg(at("server.csr"))
            .arg("-CA")
            .arg(at("ca.pem"))
            .arg("-CAkey")
            .arg(at("ca-key.pem"))
            .arg("-out")
            .arg(at("server.pem"))
            .arg("-extfile")
            .arg(at("san.ext")))
    }

    /// `127.0.0.1:port` of the TLS listener.
    pub fn bootstrap_servers(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The client settings for this broker, as user `user` (one of [`USERS`]) with `password`.
    pub fn client_settings(&self, user: &str, password: &str) -> Vec<(String, String)> {
        let mut settings = vec![
            (
                "security.protocol".to_owned(),
                match self.security {
                    Security::Ssl => "SSL",
                    Security::SaslSsl => "SASL_SSL",
                }
                .to_owned(),
            ),
            (
                "ssl.ca.location".to_owned(),
                self.dir.join("ca.pem").display().to_string(),
            ),
        ];
        if self.security == Security::SaslSsl {
            let mechanism = USERS
                .iter()
                .find(|(name, ..)| *name == user)
                .map_or("SCRAM-SHA-512", |(_, _, mechanism)| *mechanism);
            settings.extend([
                ("sasl.mechanism".to_owned(), mechanism.to_owned()),
                ("sasl.username".to_owned(), user.to_owned()),
                ("sasl.password".to_owned(), password.to_owned()),
            ]);
        }
        settings
    }
}
