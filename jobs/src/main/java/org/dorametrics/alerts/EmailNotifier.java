package org.dorametrics.alerts;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Instant;
import java.util.Date;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.dorametrics.config.DoraConfig.Email;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.job.Secret;

/**
 * Sends a message by SMTP. With {@code starttls} the connection must switch to TLS before anything else is said
 * (a server that does not offer STARTTLS gets nothing, credentials least of all), to a server whose certificate names
 * the host and chains to the JVM's trusted CAs or to those of {@code ca_file}; the password is a {@link Secret}.
 */
final class EmailNotifier {
    private static final String TIMEOUT_MILLIS = "30000";

    private final Email settings;
    private final Secret password;
    private final SSLSocketFactory tls;

    EmailNotifier(Email settings, Secret password) {
        this.settings = settings;
        this.password = password;
        this.tls = settings.caFile() == null ? null : trusting(settings.caFile());
    }

    /** TLS that trusts the certificates of the file only: a relay signed by the organisation's own CA. */
    private static SSLSocketFactory trusting(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int index = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trusted.setCertificateEntry("ca-" + index++, certificate);
            }
            if (index == 0) {
                throw new DoraException(ExitCode.USAGE_OR_CONFIG, "alerts.email.ca_file: " + caFile + " holds no PEM certificate");
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new DoraException(ExitCode.USAGE_OR_CONFIG, "alerts.email.ca_file: cannot read the CA certificates of " + caFile + " (" + e.getMessage() + ")");
        }
    }

    void send(String to, AlertMessage message) throws MessagingException {
        Properties properties = new Properties();
        properties.put("mail.smtp.host", settings.host());
        properties.put("mail.smtp.port", String.valueOf(settings.port()));
        properties.put("mail.smtp.auth", String.valueOf(settings.user() != null));
        properties.put("mail.smtp.starttls.enable", String.valueOf(settings.starttls()));
        properties.put("mail.smtp.starttls.required", String.valueOf(settings.starttls()));
        properties.put("mail.smtp.ssl.checkserveridentity", "true");
        if (tls != null) {
            properties.put("mail.smtp.ssl.socketFactory", tls);
        }
        properties.put("mail.smtp.connectiontimeout", TIMEOUT_MILLIS);
        properties.put("mail.smtp.timeout", TIMEOUT_MILLIS);
        properties.put("mail.smtp.writetimeout", TIMEOUT_MILLIS);
        Session session = Session.getInstance(properties);
        MimeMessage mail = new MimeMessage(session);
        mail.setFrom(new InternetAddress(settings.from()));
        mail.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        mail.setSubject(message.title(), "UTF-8");
        mail.setText(message.text(), "UTF-8");
        mail.setSentDate(Date.from(Instant.now()));
        try {
            if (settings.user() != null) {
                Transport.send(mail, settings.user(), password.reveal());
            } else {
                Transport.send(mail);
            }
        } catch (MessagingException e) {
            throw new MessagingException("e-mail via " + settings.host() + ":" + settings.port() + ": "
                    + (password == null ? e.getMessage() : password.scrub(e.getMessage())));
        }
    }
}
