package org.dorametrics.alerts;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Instant;
import java.util.Date;
import java.util.Properties;
import org.dorametrics.config.DoraConfig.Email;
import org.dorametrics.job.Secret;

/**
 * Sends a message by SMTP. With {@code starttls} the connection must switch to TLS before anything else is said
 * (a server that does not offer STARTTLS gets nothing, credentials least of all); the password is a {@link Secret}.
 */
final class EmailNotifier {
    private static final String TIMEOUT_MILLIS = "30000";

    private final Email settings;
    private final Secret password;

    EmailNotifier(Email settings, Secret password) {
        this.settings = settings;
        this.password = password;
    }

    void send(String to, AlertMessage message) throws MessagingException {
        Properties properties = new Properties();
        properties.put("mail.smtp.host", settings.host());
        properties.put("mail.smtp.port", String.valueOf(settings.port()));
        properties.put("mail.smtp.auth", String.valueOf(settings.user() != null));
        properties.put("mail.smtp.starttls.enable", String.valueOf(settings.starttls()));
        properties.put("mail.smtp.starttls.required", String.valueOf(settings.starttls()));
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
