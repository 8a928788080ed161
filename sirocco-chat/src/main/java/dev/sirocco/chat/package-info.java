/** Chat templates and chat-format knowledge that sit between the engine and the API. */
package dev.sirocco.chat;
