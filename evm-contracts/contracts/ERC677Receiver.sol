// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title ERC677Receiver
/// @notice Implemented by contracts that want to act on LINK sent to them
/// with transferAndCall, in the same transaction as the transfer.
interface ERC677Receiver {
    /// @param sender the account whose LINK was moved
    /// @param value the amount moved, in the token's smallest unit
    /// @param data the bytes the sender passed to transferAndCall
    function onTokenTransfer(address sender, uint256 value, bytes calldata data) external;
}
